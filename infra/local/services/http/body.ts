/** Reading request bodies with a size cap, so a runaway client cannot fill the heap. */

import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './errors.ts';

/**
 * Reads the whole body of `req`, failing with {@link BodyTooLargeError} as soon as more than
 * `maxBytes` arrive (or `Content-Length` announces more). The rest of an oversized body is
 * drained, not buffered, so the socket stays usable for the error response.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const announced = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(announced) && announced > maxBytes) {
      req.resume();
      reject(new BodyTooLargeError({ limitBytes: maxBytes, receivedBytes: announced }));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let overflowed = false;
    req.on('data', (chunk: Buffer) => {
      if (overflowed) return;
      total += chunk.length;
      if (total > maxBytes) {
        overflowed = true;
        chunks.length = 0;
        reject(new BodyTooLargeError({ limitBytes: maxBytes, receivedBytes: total }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!overflowed) resolve(Buffer.concat(chunks, total));
    });
    req.on('error', reject);
  });
}
