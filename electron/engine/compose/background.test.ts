import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../imaging/raw';
import { tempDir } from '../testing/fixtures';
import { composeOver, renderBackground } from './background';
import { loadFixtureSubject } from '../testing/compose-subject';
import { parseColor } from './parse';

const px = (img: RawImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * img.channels, (y * img.width + x + 1) * img.channels),
];
const tmp = tempDir('atelier-compose-bg-');
afterAll(() => tmp.cleanup());

describe('renderBackground', () => {
  it('fills a flat colour exactly, and transparent as zero alpha', async () => {
    const color = await renderBackground({ type: 'color', color: parseColor('#1a2b3c') }, 40, 30);
    expect(color.channels).toBe(4);
    for (const [x, y] of [
      [0, 0],
      [39, 29],
      [20, 15],
    ] as const)
      expect(px(color, x, y)).toEqual([0x1a, 0x2b, 0x3c, 255]);
    const clear = await renderBackground({ type: 'transparent' }, 10, 10);
    expect(clear.data.every((v) => v === 0)).toBe(true);
  });

  it('linear gradients hit their stops at the ends, along the angle', async () => {
    const black = parseColor('#000000');
    const white = parseColor('#ffffff');
    const right = await renderBackground({ type: 'linear', stops: [black, white], angle: 90 }, 256, 8);
    expect(px(right, 0, 4)[0]).toBeLessThanOrEqual(1);
    expect(px(right, 255, 4)[0]).toBeGreaterThanOrEqual(254);
    const down = await renderBackground({ type: 'linear', stops: [black, white], angle: 180 }, 8, 256);
    expect(px(down, 4, 0)[0]).toBeLessThanOrEqual(1);
    expect(px(down, 4, 255)[0]).toBeGreaterThanOrEqual(254);
    const up = await renderBackground({ type: 'linear', stops: [black, white], angle: 0 }, 8, 256);
    expect(px(up, 4, 0)[0]).toBeGreaterThanOrEqual(254);
  });

  it('dithers a subtle gradient instead of banding it', async () => {
    // 16 code values over 800 px: without dithering, 16 flat bands 50 px wide.
    const img = await renderBackground(
      { type: 'linear', stops: [parseColor('#808080'), parseColor('#909090')], angle: 90 },
      800,
      64,
    );
    const columnMeans: number[] = [];
    for (let x = 0; x < img.width; x++) {
      let sum = 0;
      for (let y = 0; y < img.height; y++) sum += px(img, x, y)[0] ?? 0;
      columnMeans.push(sum / img.height);
    }
    // Averaged over a column, the dithered ramp takes many more levels than the 17 raw codes...
    expect(new Set(columnMeans.map((m) => m.toFixed(1))).size).toBeGreaterThan(100);
    // ...and follows the ideal ramp closely everywhere (no 0.5-level steps).
    columnMeans.forEach((m, x) => expect(Math.abs(m - (128 + (16 * (x + 0.5)) / 800))).toBeLessThan(0.35));
  });

  it('fades to transparent without a grey fringe (premultiplied interpolation)', async () => {
    const img = await renderBackground(
      { type: 'linear', stops: [parseColor('#ffffffff'), parseColor('#00000000')], angle: 90 },
      100,
      4,
    );
    const middle = px(img, 50, 2);
    // Straight interpolation would give mid-grey here; premultiplied keeps the colour white.
    expect(middle[0]).toBeGreaterThanOrEqual(254);
    expect(Math.abs((middle[3] ?? 0) - 127)).toBeLessThanOrEqual(2);
  });

  it('radial gradients run from the inner colour at the centre to the outer at the corners', async () => {
    const img = await renderBackground(
      { type: 'radial', inner: parseColor('#ffffff'), outer: parseColor('#000000') },
      101,
      101,
    );
    expect(px(img, 50, 50)[0]).toBeGreaterThanOrEqual(253);
    expect(px(img, 0, 0)[0]).toBeLessThanOrEqual(3);
    expect(px(img, 50, 0)[0]).toBeGreaterThan(60);
  });

  it('blurs the original photo with the subject kept out of it', async () => {
    const { original, mask } = await loadFixtureSubject('car-1', 240);
    const withMask = await renderBackground(
      { type: 'blur', radius: 8 },
      original.width,
      original.height,
      original,
      mask,
    );
    const plain = await renderBackground(
      { type: 'blur', radius: 8 },
      original.width,
      original.height,
      original,
    );
    // Just outside the subject, the plain blur pulls in the silver car; the masked one much less.
    let differsNearSubject = 0;
    let total = 0;
    for (let i = 0; i < mask.data.length; i++) {
      if ((mask.data[i] ?? 0) !== 0) continue;
      const d = Math.abs((withMask.data[i * 4] ?? 0) - (plain.data[i * 4] ?? 0));
      total++;
      if (d > 4) differsNearSubject++;
    }
    expect(differsNearSubject / total).toBeGreaterThan(0.02);
    expect(withMask.data[3]).toBe(255);
    await expect(renderBackground({ type: 'blur', radius: 8 }, 10, 10)).rejects.toThrow(
      /needs the original photo/,
    );
  });

  it('cover-fits an image file, and names a missing one', async () => {
    const file = path.join(tmp.dir, 'wide.png');
    // Left half red, right half blue, 4:1: a square cover crop keeps the middle.
    const wide = Buffer.alloc(200 * 50 * 3);
    for (let i = 0; i < 200 * 50; i++) wide[i * 3 + (i % 200 < 100 ? 0 : 2)] = 255;
    await sharp(wide, { raw: { width: 200, height: 50, channels: 3 } })
      .png()
      .toFile(file);
    const img = await renderBackground({ type: 'image', path: file }, 40, 40);
    expect([img.width, img.height]).toEqual([40, 40]);
    expect(px(img, 2, 20).slice(0, 3)).toEqual([255, 0, 0]);
    expect(px(img, 37, 20).slice(0, 3)).toEqual([0, 0, 255]);
    const missing = path.join(tmp.dir, 'nope.jpg');
    await expect(renderBackground({ type: 'image', path: missing }, 10, 10)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      file: missing,
    });
    const junk = path.join(tmp.dir, 'junk.png');
    writeFileSync(junk, 'not an image');
    // Not an image at all: the decoder's own error, naming the file.
    await expect(renderBackground({ type: 'image', path: junk }, 10, 10)).rejects.toMatchObject({
      code: expect.stringMatching(/^(UNSUPPORTED_FORMAT|CORRUPT_IMAGE)$/),
      file: junk,
    });
  });
});

describe('composeOver', () => {
  const one = (r: number, g: number, b: number, a: number): RawImage => ({
    data: Buffer.from([r, g, b, a]),
    width: 1,
    height: 1,
    channels: 4,
  });

  it('is straight-alpha "over" on opaque and transparent backgrounds', () => {
    expect(px(composeOver(one(255, 0, 0, 255), one(0, 0, 255, 255)), 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(composeOver(one(255, 0, 0, 0), one(0, 0, 255, 255)), 0, 0)).toEqual([0, 0, 255, 255]);
    expect(px(composeOver(one(255, 0, 0, 128), one(0, 0, 255, 255)), 0, 0)).toEqual([128, 0, 127, 255]);
    // Over nothing, the subject keeps its colour and alpha exactly (no darkening).
    expect(px(composeOver(one(200, 100, 50, 77), one(0, 0, 0, 0)), 0, 0)).toEqual([200, 100, 50, 77]);
    // Two half-transparent layers: alpha 0.5 + 0.5·0.5 = 0.75, colour weighted 2:1.
    const both = px(composeOver(one(255, 0, 0, 128), one(0, 0, 255, 128)), 0, 0);
    expect(both[3]).toBe(192);
    expect(both[0]).toBeGreaterThanOrEqual(169);
    expect(both[0]).toBeLessThanOrEqual(171);
  });

  it('keeps the subject alpha on a transparent background and the background far from it', async () => {
    const { subject } = await loadFixtureSubject('cloth-1', 200);
    const bg = await renderBackground({ type: 'transparent' }, subject.width, subject.height);
    const out = composeOver(subject, bg);
    for (let i = 0; i < subject.width * subject.height; i++)
      expect(out.data[i * 4 + 3]).toBe(subject.data[i * 4 + 3]);
    const white = composeOver(
      subject,
      await renderBackground({ type: 'color', color: parseColor('white') }, subject.width, subject.height),
    );
    expect(px(white, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('refuses layers of different sizes', () => {
    expect(() =>
      composeOver(one(0, 0, 0, 0), { data: Buffer.alloc(8), width: 2, height: 1, channels: 4 }),
    ).toThrow(/differ in size/);
  });
});
