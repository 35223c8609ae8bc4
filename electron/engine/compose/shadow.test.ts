import { describe, expect, it } from 'vitest';
import type { Mask } from '../imaging/raw';
import { renderBackground } from './background';
import { subjectBounds } from './core/bounds';
import { WHITE } from './core/color';
import { loadFixtureSubject } from '../testing/compose-subject';
import { applyShadow, defaultShadow, renderShadow } from './shadow';

/** A 300×300 canvas with a 100×120 box standing at rows 100..219. */
function boxMask(): Mask {
  const width = 300;
  const height = 300;
  const data = new Uint8Array(width * height);
  for (let y = 100; y < 220; y++) data.fill(255, y * width + 100, y * width + 200);
  return { data, width, height };
}
const at = (m: Mask, x: number, y: number) => m.data[y * m.width + x] ?? 0;

describe('renderShadow', () => {
  it('is darkest just under the base and fades away from it', async () => {
    const mask = boxMask();
    const shadow = await renderShadow(mask, defaultShadow);
    const underBase = at(shadow, 150, 221);
    expect(underBase).toBeGreaterThan(60);
    expect(at(shadow, 150, 240)).toBeLessThan(underBase);
    expect(at(shadow, 150, 290)).toBeLessThan(3);
    // Nothing above the subject or far to its sides: a floor shadow, not a halo.
    expect(at(shadow, 150, 90)).toBe(0);
    expect(at(shadow, 20, 221)).toBeLessThan(3);
    expect(at(shadow, 280, 221)).toBeLessThan(3);
  });

  it('scales with opacity and disappears at 0', async () => {
    const mask = boxMask();
    const strong = await renderShadow(mask, { ...defaultShadow, opacity: 0.8 });
    const weak = await renderShadow(mask, { ...defaultShadow, opacity: 0.2 });
    expect(at(strong, 150, 222)).toBeGreaterThan(at(weak, 150, 222) * 2);
    const none = await renderShadow(mask, { ...defaultShadow, opacity: 0 });
    expect(none.data.every((v) => v === 0)).toBe(true);
  });

  it('darkens the floor under a real subject, not the far background', async () => {
    const { mask } = await loadFixtureSubject('car-1', 240);
    const box = subjectBounds(mask);
    if (!box) throw new Error('fixture mask is empty');
    const white = await renderBackground({ type: 'color', color: WHITE }, mask.width, mask.height);
    const shaded = applyShadow(white, await renderShadow(mask, defaultShadow));
    const luma = (x: number, y: number) => shaded.data[(y * mask.width + x) * 4] ?? 0;
    const base = box.y + box.height;
    // Darkest spot of the floor just under the subject's box (the car's base line slopes).
    let darkest = 255;
    for (let y = base - 4; y < Math.min(mask.height, base + 4); y++) {
      for (let x = box.x; x < box.x + box.width; x++)
        if ((mask.data[y * mask.width + x] ?? 0) < 64) darkest = Math.min(darkest, luma(x, y));
    }
    expect(darkest).toBeLessThan(215);
    expect(luma(2, 2)).toBe(255);
    expect(luma(mask.width - 3, 2)).toBe(255);
  });

  it('applies as black "over": scales opaque colours, becomes the alpha on transparent pixels', () => {
    const background = {
      data: Buffer.from([200, 100, 50, 255, 0, 0, 0, 0, 90, 90, 90, 128]),
      width: 3,
      height: 1,
      channels: 4 as const,
    };
    const shadow: Mask = { data: new Uint8Array([128, 128, 128]), width: 3, height: 1 };
    const out = applyShadow(background, shadow);
    expect([...out.data.subarray(0, 4)]).toEqual([100, 50, 25, 255]);
    expect([...out.data.subarray(4, 8)]).toEqual([0, 0, 0, 128]);
    // 0.5 over 0.5: alpha 0.75, colour keeps a third of the grey.
    expect([...out.data.subarray(8, 12)]).toEqual([30, 30, 30, 192]);
  });
});
