/**
 * Guards avsc's map and array readers against impossible block counts.
 *
 * Why: avsc (5.7) trusts the entry count of a map or array block. A poison record of a few
 * bytes claiming 2^40 map entries makes it loop for hours (every read past the end of the
 * buffer yields 0 and moves on), and a huge array count allocates before it fails. On a
 * Kinesis shard that would stall the processor on one record instead of sending it to the DLQ.
 *
 * Every map entry needs at least one byte (its key's length), and so does every array item
 * unless the item type is `null`; a block that claims more entries than bytes remain cannot be
 * valid, so it is rejected before the loop (as a truncated record). avsc's types are frozen, so the guard is installed
 * on the two prototypes, once, before any type or resolver is built (resolvers copy `_read`).
 * Other avsc users in the process get the same guard; it only rejects data that cannot be valid.
 */

import avro from 'avsc';

/**
 * Thrown from inside avsc's read loop when a block claims more entries than bytes remain: the
 * record ends before its body says it does, so the codec reports it as truncated.
 */
export class BlockCountOverflow extends RangeError {
  override name = 'BlockCountOverflow';
}

/** The part of avsc's internal Tap that the readers use. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}

interface Reader {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
  readonly typeName?: string;
  readonly _readerType?: { readonly typeName: string };
}

/** Reads a block header: the entry count, with the byte size skipped when the count is negative. */
function readBlockCount(tap: Tap, minBytesPerEntry: number, what: string): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong();
  }
  const remaining = tap.buf.length - tap.pos;
  if (n > 0 && minBytesPerEntry > 0 && n * minBytesPerEntry > remaining) {
    throw new BlockCountOverflow(
      `${what} block claims ${n} entries but only ${Math.max(remaining, 0)} bytes remain at offset ${tap.pos}`,
    );
  }
  return n;
}

function setEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  // A `__proto__` key assigned normally would replace the object's prototype.
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function itemBytes(items: Reader): number {
  const typeName = items._readerType?.typeName ?? items.typeName;
  return typeName === 'null' ? 0 : 1;
}

let installed = false;

/** Installs the guards (idempotent). Called by the registry before it builds any type. */
export function installBoundedReads(): void {
  if (installed) return;
  installed = true;
  const mapProto = Object.getPrototypeOf(avro.Type.forSchema({ type: 'map', values: 'null' }));
  const arrayProto = Object.getPrototypeOf(avro.Type.forSchema({ type: 'array', items: 'null' }));

  mapProto._read = function boundedMapRead(this: { valuesType: Reader }, tap: Tap): unknown {
    const values = this.valuesType;
    const result: Record<string, unknown> = {};
    for (let n = readBlockCount(tap, 1, 'map'); n !== 0; n = readBlockCount(tap, 1, 'map')) {
      while (n--) setEntry(result, tap.readString(), values._read(tap));
    }
    return result;
  };
  mapProto._skip = function boundedMapSkip(this: { valuesType: Reader }, tap: Tap): void {
    const values = this.valuesType;
    for (let n = readBlockCount(tap, 1, 'map'); n !== 0; n = readBlockCount(tap, 1, 'map')) {
      while (n--) {
        tap.skipString();
        values._skip(tap);
      }
    }
  };
  arrayProto._read = function boundedArrayRead(this: { itemsType: Reader }, tap: Tap): unknown {
    const items = this.itemsType;
    const min = itemBytes(items);
    const result: unknown[] = [];
    for (
      let n = readBlockCount(tap, min, 'array');
      n !== 0;
      n = readBlockCount(tap, min, 'array')
    ) {
      while (n--) result.push(items._read(tap));
    }
    return result;
  };
  arrayProto._skip = function boundedArraySkip(this: { itemsType: Reader }, tap: Tap): void {
    const items = this.itemsType;
    const min = itemBytes(items);
    for (
      let n = readBlockCount(tap, min, 'array');
      n !== 0;
      n = readBlockCount(tap, min, 'array')
    ) {
      while (n--) items._skip(tap);
    }
  };
}
