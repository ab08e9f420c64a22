/**
 * SQS's query protocol, served by the same actions as the JSON protocol: form parameters are
 * reshaped into the JSON input (flattened lists and maps, e.g. `MessageAttribute.1.Name`,
 * `SendMessageBatchRequestEntry.2.Id`), and the JSON output is reshaped into SQS's XML
 * (flattened lists such as repeated `<QueueUrl>`, maps as `<Attribute><Name/><Value/></Attribute>`).
 * Reference: the `xmlName`/`xmlFlattened` traits of the SQS service model.
 */

import type { JsonActionTable, JsonInput } from '../http/json-protocol.ts';
import {
  listMembers,
  listValues,
  mapEntries,
  type QueryActionTable,
  type QueryParams,
} from '../http/query-protocol.ts';
import type { XmlNode } from '../http/xml.ts';
import type { SqsRequestContext } from './message-actions.ts';
import type { SqsStore } from './store.ts';

/** The XML namespace of SQS responses. */
export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** Query list name -> JSON member name, for scalar lists. */
const SCALAR_LISTS: Readonly<Record<string, string>> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
};

/** Query map name -> JSON member name and the map's key/value member names. */
const MAPS: Readonly<
  Record<string, { json: string; key: string; value: string; structured: boolean }>
> = {
  Attribute: { json: 'Attributes', key: 'Name', value: 'Value', structured: false },
  MessageAttribute: { json: 'MessageAttributes', key: 'Name', value: 'Value', structured: true },
  MessageSystemAttribute: {
    json: 'MessageSystemAttributes',
    key: 'Name',
    value: 'Value',
    structured: true,
  },
  Tag: { json: 'Tags', key: 'Key', value: 'Value', structured: false },
};

const ENTRY_LISTS = [
  'SendMessageBatchRequestEntry',
  'DeleteMessageBatchRequestEntry',
  'ChangeMessageVisibilityBatchRequestEntry',
] as const;

/** Reshapes query parameters into the JSON protocol's input. */
export function queryToJsonInput(action: string, params: QueryParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!key.includes('.') && key !== 'Action' && key !== 'Version') input[key] = value;
  }
  for (const [name, json] of Object.entries(SCALAR_LISTS)) {
    const values = listValues(params, name);
    if (values.length > 0) input[json] = values;
  }
  for (const [name, map] of Object.entries(MAPS)) {
    const entries = mapEntries(params, name, { key: map.key, value: map.value });
    if (entries.length === 0) continue;
    // CreateQueue's tags are lower-case in the JSON model, TagQueue's are not.
    const json = name === 'Tag' && action === 'CreateQueue' ? 'tags' : map.json;
    input[json] = Object.fromEntries(
      entries.map((e) => [e.key, map.structured ? { ...e.fields } : (e.value ?? '')]),
    );
  }
  for (const name of ENTRY_LISTS) {
    const members = listMembers(params, name);
    if (members.length > 0) input.Entries = members.map((m) => queryToJsonInput(action, m));
  }
  return input;
}

/** Batch result entry element names by action. */
const SUCCESS_ENTRY: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessageBatchResultEntry',
  DeleteMessageBatch: 'DeleteMessageBatchResultEntry',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibilityBatchResultEntry',
};
const LISTS: Readonly<Record<string, string>> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
};
const OUTPUT_MAPS: Readonly<Record<string, { element: string; key: string }>> = {
  Attributes: { element: 'Attribute', key: 'Name' },
  MessageAttributes: { element: 'MessageAttribute', key: 'Name' },
  Tags: { element: 'Tag', key: 'Key' },
};
/** Actions whose response has no `<ActionResult>` element. */
const NO_RESULT = new Set([
  'DeleteQueue',
  'SetQueueAttributes',
  'PurgeQueue',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'TagQueue',
  'UntagQueue',
]);

/** Reshapes a JSON output value into SQS's XML. */
export function jsonToXml(action: string, value: unknown): XmlNode {
  if (Array.isArray(value)) return value.map((v) => jsonToXml(action, v));
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value as string | number | boolean;
  const node: Record<string, XmlNode> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const map = OUTPUT_MAPS[key];
    if (map !== undefined) {
      node[map.element] = Object.entries(child as Record<string, unknown>).map(([k, v]) => ({
        [map.key]: k,
        Value: jsonToXml(action, v),
      }));
    } else if (key === 'Successful') {
      node[SUCCESS_ENTRY[action] ?? key] = jsonToXml(action, child);
    } else {
      node[LISTS[key] ?? key] = jsonToXml(action, child);
    }
  }
  return node;
}

/** The query-protocol actions, each running the JSON action of the same name. */
export function queryActions(
  actions: JsonActionTable<SqsRequestContext>,
  store: SqsStore,
): QueryActionTable<SqsRequestContext> {
  const table: Record<string, QueryActionTable<SqsRequestContext>[string]> = {};
  for (const [action, run] of Object.entries(actions)) {
    table[action] = async (params, context) => {
      const input = queryToJsonInput(action, params);
      // Older clients post to the queue's URL instead of passing QueueUrl.
      const path = context.path?.split('?')[0] ?? '/';
      if (input.QueueUrl === undefined && path !== '/' && action !== 'CreateQueue') {
        input.QueueUrl = `${store.baseUrl}${path}`;
      }
      const output = await run(input as JsonInput, context);
      return NO_RESULT.has(action) ? undefined : (jsonToXml(action, output) ?? {});
    };
  }
  return table;
}
