import { describe, expect, it } from 'vitest';
import { bodyFormatOf } from '../../../ingest/body/media-types.ts';
import { bodyBytes, parseBody } from '../../../ingest/body/parse-body.ts';
import { encodeTelemetryEvent } from '../../../schemas/codec.ts';
import { sampleEvent } from '../support.ts';

const limits = { maxBodyBytes: 1000, maxRecordsPerRequest: 3 };

function frames(records: Buffer[]): Buffer {
  return Buffer.concat(records.flatMap((r) => [Buffer.from([r.length]), r]));
}

describe('bodyFormatOf', () => {
  it('reads the media type without its parameters, case-insensitively', () => {
    expect(bodyFormatOf('Application/JSON; charset=utf-8')).toBe('json');
    expect(bodyFormatOf('application/x-ndjson')).toBe('ndjson');
    expect(bodyFormatOf('application/vnd.apache.avro+base64')).toBe('avro-base64-lines');
    expect(bodyFormatOf('application/vnd.apache.avro')).toBe('avro-frames');
    expect(bodyFormatOf(undefined)).toBe('json');
    expect(bodyFormatOf('text/html')).toBeUndefined();
    expect(bodyFormatOf('constructor')).toBeUndefined();
  });
});

describe('parseBody', () => {
  it('takes a JSON array or an object with records', () => {
    expect(parseBody('json', '[1,2]', false, limits)).toMatchObject({ ok: true, values: [1, 2] });
    expect(parseBody('json', '{"records":[1]}', false, limits)).toMatchObject({
      ok: true,
      values: [1],
    });
  });

  it('answers 400 naming the problem for an unreadable JSON body', () => {
    expect(parseBody('json', '[1,', false, limits)).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^body is not valid JSON/),
    });
    expect(parseBody('json', '{"a":1}', false, limits)).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/"records" array/),
    });
    expect(parseBody('json', '', false, limits)).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^body is empty/),
    });
    expect(parseBody('json', '"x"', false, limits)).toMatchObject({ ok: false, status: 400 });
  });

  it('accepts a body of exactly the limit and answers 413 one byte over', () => {
    const exact = `[${' '.repeat(998)}]`;
    expect(parseBody('json', exact, false, limits)).toMatchObject({ ok: true });
    expect(parseBody('json', `${exact} `, false, limits)).toMatchObject({ ok: false, status: 413 });
  });

  it('measures a base64 body by its decoded size', () => {
    const bytes = Buffer.alloc(1000, 1);
    expect(bodyBytes(bytes.toString('base64'), true)).toBe(1000);
    expect(bodyBytes(Buffer.alloc(1001).toString('base64'), true)).toBe(1001);
    expect(bodyBytes(Buffer.alloc(1002).toString('base64'), true)).toBe(1002);
    expect(bodyBytes('é', false)).toBe(2);
  });

  it('answers 413 for more records than allowed', () => {
    expect(parseBody('json', '[1,2,3,4]', false, limits)).toMatchObject({ ok: false, status: 413 });
    expect(parseBody('ndjson', '1\n2\n3\n4', false, limits)).toMatchObject({
      ok: false,
      status: 413,
    });
  });

  it('reads NDJSON line by line, an unreadable line rejected at its index', () => {
    const result = parseBody('ndjson', '{"a":1}\r\n\n{oops\n[2]\n', false, limits);
    expect(result).toMatchObject({ ok: true, values: [{ a: 1 }, undefined, [2]] });
    expect(result.ok && [...result.unreadable.keys()]).toEqual([1]);
  });

  it('decodes base64 JSON bodies (binary media types)', () => {
    expect(parseBody('json', Buffer.from('[7]').toString('base64'), true, limits)).toMatchObject({
      ok: true,
      values: [7],
    });
  });

  it('reads Avro records one per base64 line', () => {
    const a = encodeTelemetryEvent(sampleEvent(1)).toString('base64');
    const result = parseBody(
      'avro-base64-lines',
      `${a}\nnot base64!\n${Buffer.from('xx').toString('base64')}\n`,
      false,
      limits,
    );
    expect(result.ok && result.values[0]).toMatchObject({ eventId: 'evt-1' });
    expect(result.ok && result.unreadable.get(1)).toBe('line is not base64');
    expect(result.ok && result.unreadable.get(2)).toMatch(/^avro bad-marker/);
  });

  it('reads length-prefixed Avro frames, and stops with a rejection where the framing breaks', () => {
    const a = encodeTelemetryEvent(sampleEvent(1));
    const b = encodeTelemetryEvent(sampleEvent(2));
    const body = Buffer.concat([frames([a, b]), Buffer.from([0x7f, 1, 2])]);
    const result = parseBody('avro-frames', body.toString('base64'), true, {
      ...limits,
      maxBodyBytes: 10_000,
    });
    expect(result.ok && result.values.slice(0, 2)).toMatchObject([
      { eventId: 'evt-1' },
      { eventId: 'evt-2' },
    ]);
    expect(result.ok && result.unreadable.get(2)).toMatch(/length of 127 with 2 bytes left/);
  });
});
