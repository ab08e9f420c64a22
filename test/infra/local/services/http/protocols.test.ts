import { describe, expect, it } from 'vitest';
import {
  listMembers,
  listValues,
  mapEntries,
  parseQueryParams,
} from '../../../../../infra/local/services/http/query-protocol.ts';
import { escapeXml, renderXml } from '../../../../../infra/local/services/http/xml.ts';

describe('parseQueryParams', () => {
  it('merges the URL query and a form body, decoding + as space', () => {
    const params = parseQueryParams(Buffer.from('Action=Send&Body=a+b%26c'), '/q?Version=1');
    expect(params).toEqual({ Version: '1', Action: 'Send', Body: 'a b&c' });
  });
});

describe('query lists and maps', () => {
  it('reads flattened and wrapped lists in index order, 10 after 9', () => {
    const flat = { 'Name.10': 'j', 'Name.2': 'b', 'Name.1': 'a' };
    const wrapped = { 'Name.member.2': 'y', 'Name.member.1': 'x' };
    expect(listValues(flat, 'Name')).toEqual(['a', 'b', 'j']);
    expect(listValues(wrapped, 'Name')).toEqual(['x', 'y']);
  });

  it('reads structured list members', () => {
    const params = { 'E.1.Id': 'a', 'E.1.Body': 'one', 'E.2.Id': 'b' };
    expect(listMembers(params, 'E')).toEqual([{ Id: 'a', Body: 'one' }, { Id: 'b' }]);
  });

  it('reads SQS-style flattened maps and SNS-style wrapped maps', () => {
    const sqs = {
      'MessageAttribute.1.Name': 'k',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'v',
    };
    const sns = {
      'Attributes.entry.1.key': 'RawMessageDelivery',
      'Attributes.entry.1.value': 'true',
    };
    expect(mapEntries(sqs, 'MessageAttribute', { key: 'Name', value: 'Value' })).toEqual([
      { key: 'k', value: undefined, fields: { DataType: 'String', StringValue: 'v' } },
    ]);
    expect(mapEntries(sns, 'Attributes', { key: 'key', value: 'value' })).toEqual([
      { key: 'RawMessageDelivery', value: 'true', fields: {} },
    ]);
  });
});

describe('renderXml', () => {
  it('repeats array elements, nests objects, omits undefined and escapes text', () => {
    const xml = renderXml('R', { Url: ['a', 'b'], Empty: undefined, M: { Body: '<x>&\r' } });
    expect(xml).toBe('<R><Url>a</Url><Url>b</Url><M><Body>&lt;x&gt;&amp;&#13;</Body></M></R>');
  });

  it('escapes quotes', () => {
    expect(escapeXml(`"'`)).toBe('&quot;&apos;');
  });
});
