/**
 * The editor's kept original and its preparation ahead (last-decoded.ts): a render finds the photo
 * the editor decoded when it opened the item, one preparation runs at a time, the last item asked for
 * is prepared after it, a failed one leaves the render to decode (and report) itself, and a mask
 * handed away is not kept.
 */
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../imaging/decode';
import { LastDecoded, type KeptSource } from './last-decoded';

function photo(name: string): DecodedImage {
  return {
    file: name,
    image: { data: Buffer.alloc(12), width: 2, height: 2, channels: 3 },
    hasAlpha: false,
    format: 'jpeg',
    bytes: 12,
  };
}

/** A decode the test finishes by hand, counting how often it started. */
function manualDecode(name: string) {
  const d = {
    started: 0,
    finish: (_ok = true) => {},
    run: () => Promise.resolve<KeptSource>({ decoded: photo(name) }),
  };
  d.run = () => {
    d.started++;
    return new Promise<KeptSource>((resolve, reject) => {
      d.finish = (ok = true) =>
        ok ? resolve({ decoded: photo(name) }) : reject(new Error(`${name} is damaged`));
    });
  };
  return d;
}

describe('LastDecoded', () => {
  it('gives a render the photo prepared ahead, waiting for a preparation still under way', async () => {
    const kept = new LastDecoded();
    const a = manualDecode('a');
    kept.ahead(1, a.run);
    kept.ahead(1, a.run); // the same item asked for again: one decode
    let taken: KeptSource | undefined;
    const take = kept.take(1).then((p) => (taken = p));
    await new Promise((r) => setImmediate(r));
    expect(taken).toBeUndefined();
    a.finish();
    await take;
    expect(taken?.decoded.file).toBe('a');
    expect(a.started).toBe(1);
    // Taken: no longer kept until the render gives it back.
    expect(await kept.take(1)).toBeUndefined();
  });

  it('runs one preparation at a time and only the last item asked for after it', async () => {
    const kept = new LastDecoded();
    const [a, b, c] = [manualDecode('a'), manualDecode('b'), manualDecode('c')];
    kept.ahead(1, a.run);
    kept.ahead(2, b.run);
    kept.ahead(3, c.run);
    expect([a.started, b.started, c.started]).toEqual([1, 0, 0]);
    a.finish();
    await new Promise((r) => setImmediate(r));
    expect([a.started, b.started, c.started]).toEqual([1, 0, 1]);
    c.finish();
    expect((await kept.take(3))?.decoded.file).toBe('c');
    // Item 1's photo was replaced by item 3's (one photo is kept).
    expect(await kept.take(1)).toBeUndefined();
  });

  it('leaves a failed preparation to the render, and drops one a render took over', async () => {
    const kept = new LastDecoded();
    const a = manualDecode('a');
    kept.ahead(1, a.run);
    const take = kept.take(1);
    a.finish(false);
    expect(await take).toBeUndefined();
    // Waiting behind another decode, then rendered first: never prepared.
    const [b, c] = [manualDecode('b'), manualDecode('c')];
    kept.ahead(2, b.run);
    kept.ahead(3, c.run);
    expect(await Promise.race([kept.take(3), new Promise((r) => setImmediate(() => r('waited')))])).toBe(
      undefined,
    );
    b.finish();
    await new Promise((r) => setImmediate(r));
    expect(c.started).toBe(0);
  });

  it('keeps the mask with the photo, but not a mask whose pixels were handed away', async () => {
    const kept = new LastDecoded();
    const mask = { data: Buffer.alloc(4), width: 2, height: 2 };
    kept.keep(1, { decoded: photo('a'), mask: { imageId: 7, mask } });
    expect((await kept.take(1))?.mask).toEqual({ imageId: 7, mask });
    const moved = new Uint8Array(4);
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    kept.keep(1, { decoded: photo('a'), mask: { imageId: 7, mask: { ...mask, data: moved as Buffer } } });
    const again = await kept.take(1);
    expect(again?.decoded.file).toBe('a');
    expect(again?.mask).toBeUndefined();
  });
});
