/**
 * PutEvents: request limits, per-entry validation and the event EventBridge builds from an
 * entry. Entry size is computed as AWS documents it (eb-putevent-size): 14 bytes for a `Time`,
 * plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of `Resources`.
 */

import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { EVENTBRIDGE } from '../../../limits.ts';
import { EVENTBRIDGE_ERRORS } from './errors.ts';

/** One `PutEventsRequestEntry` as it arrives on the wire. */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: unknown;
  /** Epoch seconds (the SDKs' JSON timestamp format) or an ISO string. */
  readonly Time?: unknown;
  readonly EventBusName?: unknown;
}

/** The fate of one entry: an event to route, or the per-entry error AWS reports. */
export type EntryOutcome =
  | {
      readonly status: 'accepted';
      readonly event: EventBridgeEvent<string, unknown>;
      readonly busName: string;
    }
  | { readonly status: 'rejected'; readonly errorCode: string; readonly errorMessage: string };

const TIME_BYTES = 14;

/** Size of one entry as EventBridge counts it against the PutEvents limit. */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : TIME_BYTES;
  for (const text of [entry.Source, entry.DetailType, entry.Detail]) {
    if (typeof text === 'string') size += Buffer.byteLength(text, 'utf8');
  }
  if (Array.isArray(entry.Resources)) {
    for (const resource of entry.Resources) {
      if (typeof resource === 'string') size += Buffer.byteLength(resource, 'utf8');
    }
  }
  return size;
}

/** Throws AWS's ValidationException when the request breaks the count or total-size limit. */
export function checkPutEventsLimits(entries: unknown): readonly PutEventsEntry[] {
  if (entries === undefined || entries === null) throw EVENTBRIDGE_ERRORS.missing('entries');
  if (!Array.isArray(entries)) throw EVENTBRIDGE_ERRORS.validation('Entries must be a list');
  if (entries.length < 1) throw EVENTBRIDGE_ERRORS.lengthConstraint('entries', 0, 'at least', 1);
  if (entries.length > EVENTBRIDGE.maxPutEventsEntries) {
    throw EVENTBRIDGE_ERRORS.lengthConstraint(
      'entries',
      entries.length,
      'at most',
      EVENTBRIDGE.maxPutEventsEntries,
    );
  }
  const typed = entries as PutEventsEntry[];
  const total = typed.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > EVENTBRIDGE.maxPutEventsBytes) {
    // AWS's own wording; the computed size is not part of it, so keep it out too.
    throw EVENTBRIDGE_ERRORS.validation(
      'Total size of the entries in the request is over the limit.',
    );
  }
  return typed;
}

/** Validates one entry and builds the event EventBridge would route, or the per-entry error. */
export function buildEvent(
  entry: PutEventsEntry,
  context: { readonly region: string; readonly accountId: string; readonly now: Date },
): EntryOutcome {
  for (const [field, value] of [
    ['Source', entry.Source],
    ['DetailType', entry.DetailType],
    ['Detail', entry.Detail],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      return reject(
        'InvalidArgument',
        `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      );
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return reject('MalformedDetail', 'Detail is malformed.');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return reject('MalformedDetail', 'Detail is malformed.');
  }
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    return reject(
      'InvalidArgument',
      'Parameter Resources is not valid. Reason: must be a list of strings.',
    );
  }
  const time = parseTime(entry.Time, context.now);
  if (time === undefined) {
    return reject('InvalidArgument', 'Parameter Time is not valid.');
  }
  return {
    status: 'accepted',
    busName: busNameOf(entry.EventBusName),
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: context.accountId,
      // EventBridge's event time has second precision: 2017-12-22T18:43:48Z.
      time: `${time.toISOString().slice(0, 19)}Z`,
      region: context.region,
      resources,
      detail,
    },
  };
}

/** A bus named by name or by ARN (`...:event-bus/<name>`); absent means `default`. */
export function busNameOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  const marker = ':event-bus/';
  const at = value.indexOf(marker);
  return value.startsWith('arn:') && at >= 0 ? value.slice(at + marker.length) : value;
}

function parseTime(value: unknown, now: Date): Date | undefined {
  if (value === undefined || value === null) return now;
  const date =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  return date !== undefined && Number.isFinite(date.getTime()) ? date : undefined;
}

function reject(errorCode: string, errorMessage: string): EntryOutcome {
  return { status: 'rejected', errorCode, errorMessage };
}
