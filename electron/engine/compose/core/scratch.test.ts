import { afterEach, describe, expect, it } from 'vitest';
import {
  prepareScratch,
  recycle,
  releaseScratch,
  scratchBuffer,
  scratchHeld,
  setScratchLimit,
  slotFloats,
  takeBack,
} from './scratch';

const MB = 1 << 20;

describe('scratch buffers', () => {
  afterEach(() => releaseScratch());

  it('hands a recycled buffer out again for the same size, zeroed when asked', () => {
    const first = new Uint8Array(scratchBuffer(8 * MB, true));
    first.fill(9);
    recycle(first);
    expect(scratchHeld()).toEqual({ buffers: 1, bytes: 8 * MB });
    const again = new Uint8Array(scratchBuffer(8 * MB, true));
    expect(again.buffer).toBe(first.buffer);
    expect(again.every((v) => v === 0)).toBe(true);
    expect(scratchHeld().buffers).toBe(0);
    // A different size gets fresh memory; the kept one stays kept.
    recycle(again);
    expect(scratchBuffer(6 * MB, false)).not.toBe(again.buffer);
    expect(scratchHeld().buffers).toBe(1);
    // Not zeroed: whoever asks that way writes every byte itself.
    again.fill(7);
    expect(new Uint8Array(scratchBuffer(8 * MB, false))[0]).toBe(7);
  });

  it('prepares buffers ahead, counting those of the size already kept, for the next requests', async () => {
    const kept = new Uint8Array(scratchBuffer(8 * MB, false));
    recycle(kept);
    await prepareScratch(8 * MB, 2);
    expect(scratchHeld()).toEqual({ buffers: 2, bytes: 16 * MB });
    // Asked again, nothing is added; small sizes are left to the allocator.
    await prepareScratch(8 * MB, 2);
    await prepareScratch(1 * MB, 1);
    expect(scratchHeld().buffers).toBe(2);
    const first = scratchBuffer(8 * MB, false);
    const second = scratchBuffer(8 * MB, false);
    expect([first, second]).toContain(kept.buffer);
    expect(scratchHeld().buffers).toBe(0);
    // A third request gets fresh memory.
    expect([first, second]).not.toContain(scratchBuffer(8 * MB, false));
  });

  it('keeps only whole buffers of its own, small ones never, and each once', () => {
    const foreign = new Uint8Array(new ArrayBuffer(8 * MB));
    recycle(foreign);
    expect(scratchHeld().buffers).toBe(0);
    const twice = new Uint8Array(scratchBuffer(8 * MB, false));
    recycle(twice, twice);
    expect(scratchHeld().buffers).toBe(1);
    releaseScratch();

    const own = new Uint8Array(scratchBuffer(8 * MB, false));
    recycle(own.subarray(0, 4 * MB), new Uint8Array(scratchBuffer(1 * MB, false)));
    expect(scratchHeld().buffers).toBe(0);
    // A transferred (detached) buffer is gone, not kept.
    structuredClone(own.buffer, { transfer: [own.buffer] });
    recycle(own);
    expect(scratchHeld().buffers).toBe(0);
  });

  it('takes back its buffers lent out by transfer, and hands them out again', () => {
    const lent = new Uint8Array(scratchBuffer(8 * MB, false));
    lent.fill(5);
    // Out to another thread and back: a new ArrayBuffer object over the same memory.
    const away = structuredClone(lent.buffer, { transfer: [lent.buffer] });
    const back = structuredClone(away, { transfer: [away] });
    expect(back).not.toBe(lent.buffer);
    takeBack([back, new ArrayBuffer(1 * MB), away]);
    // The small one is left to the allocator, the detached one is gone.
    expect(scratchHeld()).toEqual({ buffers: 1, bytes: 8 * MB });
    const again = new Uint8Array(scratchBuffer(8 * MB, false));
    expect(again.buffer).toBe(back);
    expect(again[0]).toBe(5);
  });

  it("reuses a step's working floats between its calls, up to a size, until released", () => {
    const first = slotFloats('box blur', 1000);
    first[0] = 3;
    const again = slotFloats('box blur', 800);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(800);
    // Another step has its own; a request over the size kept is fresh, and not kept.
    expect(slotFloats('blur grid', 1000).buffer).not.toBe(first.buffer);
    const large = slotFloats('box blur', 3000, 2000);
    expect(large.buffer).not.toBe(first.buffer);
    expect(slotFloats('box blur', 1000).buffer).toBe(first.buffer);
    // A larger request within the size grows the kept one.
    const grown = slotFloats('box blur', 1500);
    expect(grown.buffer).not.toBe(first.buffer);
    expect(slotFloats('box blur', 1000).buffer).toBe(grown.buffer);
    releaseScratch();
    expect(slotFloats('box blur', 1000).buffer).not.toBe(grown.buffer);
  });

  it('keeps no more than a limit it is given, letting the oldest go at once', () => {
    const buffers = Array.from({ length: 3 }, () => new Uint8Array(scratchBuffer(100 * MB, false)));
    recycle(...buffers);
    setScratchLimit(150 * MB);
    expect(scratchHeld()).toEqual({ buffers: 1, bytes: 100 * MB });
    expect(scratchBuffer(100 * MB, false)).toBe(buffers[2]!.buffer);
    setScratchLimit(512 * MB);
  });

  it('keeps the three sizes given back last, letting the others go', () => {
    const sizes = [5, 6, 7, 8].map((n) => n * MB);
    const [a, b, c, d] = sizes.map((n) => new Uint8Array(scratchBuffer(n, false)));
    const a2 = new Uint8Array(scratchBuffer(5 * MB, false));
    recycle(a, a2, b, c);
    expect(scratchHeld().buffers).toBe(4);
    // A fourth size: the size given back least recently (5 MB, both buffers) goes.
    recycle(d);
    expect(scratchHeld()).toEqual({ buffers: 3, bytes: 21 * MB });
    expect(scratchBuffer(5 * MB, false)).not.toBe(a!.buffer);
  });

  it('keeps at most its limit, dropping the oldest first', () => {
    const buffers = Array.from({ length: 6 }, () => new Uint8Array(scratchBuffer(100 * MB, false)));
    recycle(...buffers);
    expect(scratchHeld().bytes).toBeLessThanOrEqual(512 * MB);
    expect(scratchHeld().buffers).toBe(5);
    // The oldest was dropped: asking five times gets the five newest back.
    const back = Array.from({ length: 5 }, () => scratchBuffer(100 * MB, false));
    expect(back).not.toContain(buffers[0]!.buffer);
  });
});
