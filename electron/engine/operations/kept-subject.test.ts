/**
 * A pool thread's kept subject layer (kept-subject.ts): a re-render of the same photo and mask with
 * the same edges reuses it and gives exactly the picture a fresh composition gives; another edge
 * recipe or another source is made afresh; the kept mask survives the source mask being handed back;
 * a layer made ahead of the render (the editor opened the item) gives the same picture.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mask, RawImage } from '../imaging/raw';
import { composeCutout, prepareSubject, type CompositionParams } from './cutout-compose';
import { dropKeptSubject, keptSubject } from './kept-subject';

const W = 640;
const H = 480;

function photo(): RawImage {
  const data = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    data[i * 3] = (i * 7) % 251;
    data[i * 3 + 1] = (i >> 3) % 256;
    data[i * 3 + 2] = 90;
  }
  return { data, width: W, height: H, channels: 3 };
}

/** A soft-edged disc: an edge band for decontamination to work on. */
function disc(): Mask {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const d = Math.hypot(x - W / 2, y - H / 2);
      data[y * W + x] = Math.max(0, Math.min(255, Math.round((150 - d) * 32)));
    }
  return { data, width: W, height: H };
}

const soft: CompositionParams = { maskOnly: false, edges: 'soft', feather: 0, decontaminate: true };
const red = { ...soft, background: { type: 'color' as const, color: { r: 255, g: 0, b: 0, a: 255 } } };
const blur = { ...soft, background: { type: 'blur' as const, radius: 12 } };

describe('the kept subject layer', () => {
  afterEach(() => dropKeptSubject());

  it('is reused for the same photo, mask and edges, with the picture a fresh composition gives', async () => {
    const first = await composeCutout(photo(), disc(), red, 'photo:mask');
    expect(first.data.equals((await composeCutout(photo(), disc(), red)).data)).toBe(true);
    const kept = keptSubject('photo:mask|soft|0|true');
    expect(kept).toBeDefined();

    const mask = disc();
    const again = await composeCutout(photo(), mask, blur, 'photo:mask');
    expect(keptSubject('photo:mask|soft|0|true')).toBe(kept);
    expect(again.data.equals((await composeCutout(photo(), disc(), blur)).data)).toBe(true);
    // No background: the kept layer itself is never handed out to be drawn into or sent away.
    const plain = await composeCutout(photo(), disc(), soft, 'photo:mask');
    expect(plain.data.buffer).not.toBe(kept!.layer.data.buffer);

    // The source mask goes back to the engine's thread (detached here): the kept one is a copy.
    structuredClone(mask.data.buffer, { transfer: [mask.data.buffer as ArrayBuffer] });
    const later = await composeCutout(photo(), disc(), red, 'photo:mask');
    expect(later.data.equals(first.data)).toBe(true);
  });

  it('is made afresh for other edges or another source, and let go when dropped', async () => {
    await composeCutout(photo(), disc(), red, 'photo:mask');
    const hard = { ...red, edges: 'hard' as const, feather: 3 };
    const shaped = await composeCutout(photo(), disc(), hard, 'photo:mask');
    expect(shaped.data.equals((await composeCutout(photo(), disc(), hard)).data)).toBe(true);
    expect(keptSubject('photo:mask|soft|0|true')).toBeUndefined();
    expect(keptSubject('photo:mask|hard|3|true')).toBeDefined();

    const other = photo();
    other.data.fill(200);
    const otherOut = await composeCutout(other, disc(), hard, 'other:mask');
    expect(otherOut.data.equals((await composeCutout(other, disc(), hard)).data)).toBe(true);
    dropKeptSubject();
    expect(keptSubject('other:mask|hard|3|true')).toBeUndefined();
  });

  it('can be made ahead of the render (the editor opened the item), giving the same picture', async () => {
    const mask = disc();
    prepareSubject(photo(), mask, blur, 'photo:mask');
    const ahead = keptSubject('photo:mask|soft|0|true');
    expect(ahead).toBeDefined();
    // The mask went back to the engine's thread: the kept layer does not depend on it.
    structuredClone(mask.data.buffer, { transfer: [mask.data.buffer as ArrayBuffer] });
    const rendered = await composeCutout(photo(), disc(), blur, 'photo:mask');
    expect(keptSubject('photo:mask|soft|0|true')).toBe(ahead);
    expect(rendered.data.equals((await composeCutout(photo(), disc(), blur)).data)).toBe(true);
    // A mask-only render draws no subject layer: nothing is made for it.
    dropKeptSubject();
    prepareSubject(photo(), disc(), { ...soft, maskOnly: true }, 'photo:mask');
    expect(keptSubject('photo:mask|soft|0|true')).toBeUndefined();
  });
});
