/**
 * A set of event-id hashes (`eventIdHash`, integers below 2^53) sized once for the ids one part
 * sees in one batch: open addressing with linear probing over a `Float64Array`.
 *
 * Why not a `Set<number>`: its entries above 2^31 are heap numbers, so every `add` allocates and
 * every lookup hashes a boxed double; a part absorbs hundreds of ids per batch and the processor
 * does this for every event, which made the set one of the largest costs of `absorbPlan`.
 */

/** Marks a free slot; `eventIdHash` never yields a negative number. */
const FREE = -1;

/** A fixed-capacity set of event-id hashes. */
export class IdHashSet {
  #slots: Float64Array;
  #mask = 0;
  #size = 0;
  // A stored horizon decoded from an item is any double; -1 cannot use the free marker's slot.
  #hasFree = false;

  /** A set that can hold `capacity` hashes (load at most 1/2). */
  constructor(capacity: number) {
    this.#slots = new Float64Array(0);
    this.reset(capacity);
  }

  /**
   * Empties the set and sizes it for `capacity` hashes, reusing its memory when large enough:
   * `absorbPlan` needs two sets per part, and allocating them (a typed array costs about 2 us
   * whatever its size) was more than the work done with them.
   */
  reset(capacity: number): void {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    if (slots > this.#slots.length) this.#slots = new Float64Array(slots);
    this.#slots.fill(FREE, 0, slots);
    this.#mask = slots - 1;
    this.#size = 0;
    this.#hasFree = false;
  }

  /** How many hashes the set holds. */
  get size(): number {
    return this.#size + (this.#hasFree ? 1 : 0);
  }

  /** True when `hash` is in the set. */
  has(hash: number): boolean {
    if (hash === FREE) return this.#hasFree;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = (hash >>> 0) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === hash) return true;
      if (slot === FREE) return false;
    }
  }

  /** Adds `hash`; returns false when it was already present. */
  add(hash: number): boolean {
    if (hash === FREE) {
      if (this.#hasFree) return false;
      this.#hasFree = true;
      return true;
    }
    const slots = this.#slots;
    const mask = this.#mask;
    // `>>> 0` keeps the low 32 bits, the best-mixed half of cyrb53's output.
    for (let i = (hash >>> 0) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === hash) return false;
      if (slot === FREE) {
        if (this.#size * 2 >= mask) throw new RangeError(`IdHashSet over capacity ${mask + 1}`);
        slots[i] = hash;
        this.#size++;
        return true;
      }
    }
  }
}
