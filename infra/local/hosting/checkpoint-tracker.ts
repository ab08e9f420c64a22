/**
 * Tracks which records of a shard are done when several batches of it run at once (a
 * parallelization factor above 1 completes batches out of order). The checkpoint may only move
 * past a record once it and every record before it are done, so a restart never skips one.
 */
export class CheckpointTracker {
  readonly #order: string[] = [];
  readonly #done = new Set<string>();
  #head = 0;
  #checkpoint: string | undefined;

  constructor(initial?: string) {
    this.#checkpoint = initial;
  }

  /** Registers records in shard order as they are read. */
  add(sequenceNumber: string): void {
    this.#order.push(sequenceNumber);
  }

  /** Marks records done and returns the new checkpoint if it moved. */
  complete(sequenceNumbers: Iterable<string>): string | undefined {
    for (const sequenceNumber of sequenceNumbers) this.#done.add(sequenceNumber);
    const before = this.#checkpoint;
    while (this.#head < this.#order.length && this.#done.has(this.#order[this.#head]!)) {
      const sequenceNumber = this.#order[this.#head]!;
      this.#done.delete(sequenceNumber);
      this.#checkpoint = sequenceNumber;
      this.#head += 1;
    }
    // Compact now and then rather than shift() per record, which is O(n) each time.
    if (this.#head > 4096 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#checkpoint !== before ? this.#checkpoint : undefined;
  }

  /** The last record up to which everything is done. */
  get checkpoint(): string | undefined {
    return this.#checkpoint;
  }

  /** Records read and not yet done. */
  get pending(): number {
    return this.#order.length - this.#head;
  }
}
