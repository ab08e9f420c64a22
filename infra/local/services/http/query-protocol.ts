/**
 * The AWS query protocol: `Action=...&Version=...` form-encoded in a POST body (or in the URL of a
 * GET), lists as `Name.N` (flattened) or `Name.member.N`, maps as `Name.N.Key`/`Name.N.Value` or
 * `Name.entry.N.key`/`Name.entry.N.value`, and XML responses wrapped in
 * `<ActionResponse><ActionResult>`. Reference: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, COMMON_ERRORS } from './errors.ts';
import { escapeXml, renderXml, type XmlNode } from './xml.ts';

/** The flat parameters of a query request. */
export type QueryParams = Readonly<Record<string, string>>;

/** Action handlers by action name; the result node becomes `<ActionResult>` (omitted if undefined). */
export type QueryActionTable<C> = Readonly<
  Record<string, (params: QueryParams, context: C) => XmlNode | Promise<XmlNode>>
>;

/** Parameters from the URL's query string and a form-encoded body (the body wins). */
export function parseQueryParams(body: Buffer, url: string | undefined): QueryParams {
  const params: Record<string, string> = {};
  const queryStart = url?.indexOf('?') ?? -1;
  if (url !== undefined && queryStart >= 0) {
    for (const [k, v] of new URLSearchParams(url.slice(queryStart + 1))) params[k] = v;
  }
  if (body.length > 0) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
  }
  return params;
}

/** The parameters under `prefix.`, with the prefix removed. */
export function subParams(params: QueryParams, prefix: string): QueryParams {
  const out: Record<string, string> = {};
  const head = `${prefix}.`;
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith(head)) out[k.slice(head.length)] = v;
  }
  return out;
}

/** Groups `N.rest` keys by their index N (1-based), in index order. */
function byIndex(params: QueryParams): QueryParams[] {
  const groups = new Map<number, Record<string, string>>();
  for (const [k, v] of Object.entries(params)) {
    const dot = k.indexOf('.');
    const head = dot < 0 ? k : k.slice(0, dot);
    if (!/^[1-9]\d*$/.test(head)) continue;
    const index = Number(head);
    let group = groups.get(index);
    if (group === undefined) {
      group = {};
      groups.set(index, group);
    }
    group[dot < 0 ? '' : k.slice(dot + 1)] = v;
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** The members of list `prefix` (`prefix.N.x` or `prefix.member.N.x`), each as its own params. */
export function listMembers(params: QueryParams, prefix: string): QueryParams[] {
  const wrapped = subParams(params, `${prefix}.member`);
  return byIndex(Object.keys(wrapped).length > 0 ? wrapped : subParams(params, prefix));
}

/** The values of scalar list `prefix` (`prefix.N` or `prefix.member.N`). */
export function listValues(params: QueryParams, prefix: string): string[] {
  return listMembers(params, prefix)
    .map((member) => member[''])
    .filter((v): v is string => v !== undefined);
}

/** One entry of a query map: its key, its scalar value, and the fields of a structured value. */
export interface QueryMapEntry {
  readonly key: string;
  readonly value: string | undefined;
  readonly fields: QueryParams;
}

/**
 * The entries of map `prefix`, flattened (`prefix.N.Name`, SQS) or wrapped
 * (`prefix.entry.N.key`, SNS). Key and value member names differ by service.
 */
export function mapEntries(
  params: QueryParams,
  prefix: string,
  names: { readonly key: string; readonly value: string },
): QueryMapEntry[] {
  const wrapped = subParams(params, `${prefix}.entry`);
  const members = byIndex(Object.keys(wrapped).length > 0 ? wrapped : subParams(params, prefix));
  const entries: QueryMapEntry[] = [];
  for (const member of members) {
    const key = member[names.key];
    if (key === undefined) continue;
    entries.push({ key, value: member[names.value], fields: subParams(member, names.value) });
  }
  return entries;
}

/** A required string parameter, or `MissingParameter`. */
export function requireParam(params: QueryParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw COMMON_ERRORS.missingParameter(name);
  return value;
}

/** Writes `<ActionResponse>` with an optional `<ActionResult>` and the request id. */
export function writeXmlResult(
  res: ServerResponse,
  props: { action: string; xmlns: string; result: XmlNode; requestId: string },
): void {
  const result = props.result === undefined ? '' : renderXml(`${props.action}Result`, props.result);
  const body =
    `<?xml version="1.0"?><${props.action}Response xmlns="${props.xmlns}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(props.requestId)}</RequestId></ResponseMetadata>` +
    `</${props.action}Response>`;
  res.writeHead(200, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': props.requestId,
  });
  res.end(body);
}

/** Writes an AWS error as `<ErrorResponse>`. */
export function writeXmlError(
  res: ServerResponse,
  props: { xmlns: string; error: AwsServiceError; requestId: string },
): void {
  const { error } = props;
  const body =
    `<?xml version="1.0"?><ErrorResponse xmlns="${props.xmlns}"><Error>` +
    `<Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message><Detail/></Error>` +
    `<RequestId>${escapeXml(props.requestId)}</RequestId></ErrorResponse>`;
  res.writeHead(error.statusCode, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': props.requestId,
  });
  res.end(body);
}

/**
 * Dispatches a query request by its `Action` and writes the XML result or error. Errors other
 * than {@link AwsServiceError} propagate, for the server to answer 500.
 */
export async function dispatchQuery<C>(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  props: { xmlns: string; actions: QueryActionTable<C>; context: C; requestId: string },
): Promise<void> {
  const { xmlns, requestId } = props;
  try {
    const params = parseQueryParams(body, req.url);
    const action = params.Action;
    if (action === undefined) throw COMMON_ERRORS.missingParameter('Action');
    const handler = props.actions[action];
    if (handler === undefined) throw COMMON_ERRORS.invalidAction(action);
    const result = await handler(params, props.context);
    writeXmlResult(res, { action, xmlns, result, requestId });
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    writeXmlError(res, { xmlns, error, requestId });
  }
}
