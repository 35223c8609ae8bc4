/**
 * Bytes of decoded pixels a batch may hold at once. Photos are admitted in order while their estimated
 * footprint fits; one photo larger than the whole budget still runs (alone), so nothing is refused for
 * being big. This, not a count, is what bounds a batch's memory: ten 0.4 MP photos fit where two 24 MP
 * ones would not.
 */
import os from 'node:os';

/** Bytes a photo holds per pixel on its way through a cut-out (RGB in, mask, RGBA out, working copies). */
export const BYTES_PER_PIXEL_IN_FLIGHT = 16;

/** The default budget: a quarter of the machine's memory, between 1 and 4 GiB. */
export function defaultMemoryBudget(totalMemory = os.totalmem()): number {
  return Math.min(4 * 2 ** 30, Math.max(2 ** 30, Math.floor(totalMemory / 4)));
}

export class MemoryBudget {
  private used = 0;
  private readonly waiters: { bytes: number; resolve: () => void }[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`memory budget must be > 0 bytes: ${capacity}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** Waits until `bytes` fit (first come, first served) and returns the function that gives them back. */
  async acquire(bytes: number): Promise<() => void> {
    const need = Math.max(0, bytes);
    if (this.waiters.length === 0 && this.fits(need)) this.used += need;
    else await new Promise<void>((resolve) => this.waiters.push({ bytes: need, resolve }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= need;
      this.wake();
    };
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.capacity;
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.resolve();
    }
  }
}
