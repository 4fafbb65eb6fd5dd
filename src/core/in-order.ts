/**
 * Passes items on in the order of their index although they complete in any order: attribute reads
 * of a page finish out of order, and a report whose order changed from run to run could not be
 * compared with the last one. It holds only the items that wait for an earlier one, so at most the
 * reads in flight.
 */
export class InOrder<T> {
  private next = 0;
  private readonly waiting = new Map<number, T>();

  constructor(private readonly pass: (item: T) => void) {}

  /** Takes item number `index` (0, 1, 2, ... each once) and passes on every item now in sequence. */
  put(index: number, item: T): void {
    this.waiting.set(index, item);
    while (this.waiting.has(this.next)) {
      const item = this.waiting.get(this.next) as T;
      this.waiting.delete(this.next);
      this.next += 1;
      this.pass(item);
    }
  }
}
