/**
 * Where Firehose puts a delivered object: `<prefix>YYYY/MM/DD/HH/` (UTC) then
 * `<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<random>`
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html). Pure, so the layout is
 * tested without touching the disk.
 */

import { randomUUID } from 'node:crypto';

/** The object key, relative to the stream's folder (or bucket). */
export function objectKey(props: {
  readonly streamName: string;
  readonly version: number;
  /** When the buffer's first record arrived: Firehose's time prefix follows arrival time. */
  readonly arrival: Date;
  /** A literal S3 `Prefix` of the destination. @default '' */
  readonly prefix?: string;
  /** @default a random UUID */
  readonly suffix?: string;
}): string {
  const t = props.arrival;
  const [y, mo, d, h, mi, s] = [
    t.getUTCFullYear(),
    t.getUTCMonth() + 1,
    t.getUTCDate(),
    t.getUTCHours(),
    t.getUTCMinutes(),
    t.getUTCSeconds(),
  ].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'));
  const name = `${props.streamName}-${props.version}-${y}-${mo}-${d}-${h}-${mi}-${s}-${props.suffix ?? randomUUID()}`;
  return `${props.prefix ?? ''}${y}/${mo}/${d}/${h}/${name}`;
}
