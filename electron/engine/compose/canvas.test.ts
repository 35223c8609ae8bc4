import { describe, expect, it } from 'vitest';
import type { Mask, RawImage } from '../imaging/raw';
import { subjectBounds } from './core/bounds';
import { CANVAS_PRESETS, fitToCanvas, placeOnCanvas, type CanvasSpec } from './canvas';
import { WHITE } from './core/color';
import { loadFixtureSubject } from '../testing/compose-subject';
import { defaultShadow } from './shadow';

const alphaOf = (img: RawImage): Mask => {
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i * 4 + 3] ?? 0;
  return { data, width: img.width, height: img.height };
};

describe('placeOnCanvas', () => {
  it('fills the canvas to the requested fraction within 1 %, centred, on the background', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 320);
    const canvas: CanvasSpec = { width: 600, height: 600, fill: 0.85, align: 'center' };
    // A transparent background lets us measure the placed subject from the output's own alpha.
    const out = await placeOnCanvas(subject, mask, canvas, { type: 'transparent' });
    expect([out.width, out.height, out.channels]).toEqual([600, 600, 4]);
    const box = subjectBounds(alphaOf(out));
    if (!box) throw new Error('nothing placed');
    // The car is wider than tall, so its width is the limiting side.
    expect(Math.abs(box.width / 600 - 0.85)).toBeLessThan(0.01);
    expect(Math.abs(box.x + box.width / 2 - 300)).toBeLessThan(3);
    expect(Math.abs(box.y + box.height / 2 - 300)).toBeLessThan(3);
  });

  it('keeps a tall subject within the fill on its height, respects the margin, and paints the background', async () => {
    const { subject, mask } = await loadFixtureSubject('cloth-1', 320);
    const canvas: CanvasSpec = { width: 500, height: 400, fill: 0.9, align: 'center', margin: 20 };
    const out = await placeOnCanvas(subject, mask, canvas, { type: 'color', color: WHITE });
    expect(out.data.subarray(0, 4)).toEqual(Buffer.from([255, 255, 255, 255]));
    const transparent = await placeOnCanvas(subject, mask, canvas, { type: 'transparent' });
    const box = subjectBounds(alphaOf(transparent));
    if (!box) throw new Error('nothing placed');
    expect(Math.abs(box.height / (400 - 40) - 0.9)).toBeLessThan(0.01);
  });

  it('aligns to the bottom and puts a shadow under the subject', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 320);
    const canvas: CanvasSpec = { width: 400, height: 400, fill: 0.8, align: 'bottom' };
    const plan = fitToCanvas(subjectBounds(mask) ?? { width: 1, height: 1 }, canvas);
    // Width-limited: the gap under it equals the 10 % a height-limited subject would get.
    expect(plan.box.y + plan.box.height).toBe(360);
    const out = await placeOnCanvas(subject, mask, canvas, { type: 'color', color: WHITE }, defaultShadow);
    const cx = Math.round(plan.box.x + plan.box.width / 2);
    const below = out.data[((plan.box.y + plan.box.height + 2) * 400 + cx) * 4] ?? 255;
    expect(below).toBeLessThan(240);
    expect(out.data[(395 * 400 + 5) * 4]).toBe(255);
  });

  it('has presets with the published marketplace sizes', () => {
    expect(CANVAS_PRESETS.amazon.canvas).toMatchObject({ width: 2000, height: 2000, fill: 0.85 });
    expect(CANVAS_PRESETS.amazon.background).toEqual({ type: 'color', color: WHITE });
    expect(CANVAS_PRESETS.etsy.canvas).toMatchObject({ width: 2700, height: 2025 });
    expect(CANVAS_PRESETS.shopify.canvas).toMatchObject({ width: 2048, height: 2048 });
    expect(CANVAS_PRESETS['instagram-portrait'].canvas).toMatchObject({ width: 1080, height: 1350 });
    expect(CANVAS_PRESETS.story.canvas).toMatchObject({ width: 1080, height: 1920 });
  });

  it('renders a full-size amazon canvas with 85 % fill', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1');
    const out = await placeOnCanvas(subject, mask, CANVAS_PRESETS.amazon.canvas, { type: 'transparent' });
    const box = subjectBounds(alphaOf(out));
    if (!box) throw new Error('nothing placed');
    expect(Math.abs(Math.max(box.width, box.height) / 2000 - 0.85)).toBeLessThan(0.01);
  });

  it('refuses an empty mask with a clear error', async () => {
    const subject: RawImage = { data: Buffer.alloc(32 * 32 * 4), width: 32, height: 32, channels: 4 };
    const mask: Mask = { data: new Uint8Array(32 * 32), width: 32, height: 32 };
    await expect(
      placeOnCanvas(subject, mask, CANVAS_PRESETS.amazon.canvas, { type: 'transparent' }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/mask is empty/),
    });
  });

  it('moves a blurred-photo background with the subject, leaving no ghost of it', async () => {
    // A red square on grey; on a wide canvas the square is scaled up and moved.
    const width = 80;
    const height = 60;
    const original: RawImage = { data: Buffer.alloc(width * height * 3), width, height, channels: 3 };
    const mask: Mask = { data: new Uint8Array(width * height), width, height };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 10 && x < 30 && y >= 10 && y < 30;
        original.data.set(inside ? [220, 20, 20] : [120, 120, 120], (y * width + x) * 3);
        mask.data[y * width + x] = inside ? 255 : 0;
      }
    }
    const out = await placeOnCanvas(
      original,
      mask,
      { width: 300, height: 200, fill: 0.5, align: 'center' },
      { type: 'blur', radius: 6 },
      undefined,
      original,
    );
    let worst = 0;
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 300; x++) {
        // Outside the placed square (100 px, centred) plus a small band for its antialiased edge.
        if (x > 96 && x < 204 && y > 46 && y < 154) continue;
        const o = (y * 300 + x) * 4;
        worst = Math.max(worst, Math.abs((out.data[o] ?? 0) - 120), Math.abs((out.data[o + 1] ?? 0) - 120));
      }
    }
    expect(worst).toBeLessThan(6);
  });
});
