import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageBuffer } from '../../imaging/decode';
import { encodeImage } from '../../imaging/encode';
import type { Mask, RawImage } from '../../imaging/raw';
import { cutoutRgba, finishMatte, trimToSubject } from '..';

/** A red disc on a green background, with a soft 6 px edge: a matte whose true colours are known. */
function redDiscOnGreen(size = 200): { image: RawImage; mask: Mask } {
  const image = Buffer.alloc(size * size * 3);
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2);
      const a = Math.min(1, Math.max(0, (60 - d) / 6 + 0.5));
      const i = y * size + x;
      // The photo mixes the subject's red with the background's green in the edge band.
      image[i * 3] = Math.round(220 * a);
      image[i * 3 + 1] = Math.round(200 * (1 - a));
      image[i * 3 + 2] = 30;
      mask[i] = Math.round(a * 255);
    }
  }
  return {
    image: { data: image, width: size, height: size, channels: 3 },
    mask: { data: mask, width: size, height: size },
  };
}

describe('cut-out pixels', () => {
  it('round 3, same shape as finding 1: trim padding that would make gigapixels is a usage error before allocating', () => {
    const mask: Mask = { data: new Uint8Array(100 * 100).fill(255), width: 100, height: 100 };
    const rgba: RawImage = { data: Buffer.alloc(100 * 100 * 4, 255), width: 100, height: 100, channels: 4 };
    expect(() => trimToSubject(rgba, mask, 10_000)).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message: expect.stringMatching(/^trim: 10000 px of padding makes the result 20100×20100/),
      }),
    );
    expect(trimToSubject(rgba, mask, 100).image.width).toBe(300);
  });

  it('decontaminates edge colours: no green halo in the semi-transparent band', () => {
    const { image, mask } = redDiscOnGreen();
    const raw = cutoutRgba(image, mask, { decontaminate: false });
    const clean = cutoutRgba(image, mask, { decontaminate: true });
    let rawGreen = 0;
    let cleanGreen = 0;
    let band = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const a = mask.data[i]!;
      if (a < 40 || a > 215) continue;
      band++;
      rawGreen += raw.data[i * 4 + 1]!;
      cleanGreen += clean.data[i * 4 + 1]!;
      expect(clean.data[i * 4 + 3]).toBe(a);
    }
    expect(band).toBeGreaterThan(100);
    // The band's foreground colour should be the subject's red, not the photo's red-green mix.
    expect(cleanGreen / band).toBeLessThan((rawGreen / band) * 0.35);
  });

  it('hard edges are binary; feather softens; trim crops to the subject plus padding', async () => {
    const { image, mask } = redDiscOnGreen();
    const hard = await finishMatte(image, mask, {
      refine: false,
      edges: 'hard',
      removeIslands: false,
      feather: 0,
    });
    expect(new Set(hard.data)).toEqual(new Set([0, 255]));
    const feathered = await finishMatte(image, hard, {
      refine: false,
      edges: 'soft',
      removeIslands: false,
      feather: 4,
    });
    expect([...feathered.data].filter((v) => v > 0 && v < 255).length).toBeGreaterThan(
      [...hard.data].filter((v) => v > 0 && v < 255).length,
    );
    const trimmed = trimToSubject(cutoutRgba(image, hard, { decontaminate: false }), hard, 10).image;
    expect(trimmed.width).toBeGreaterThanOrEqual(120);
    expect(trimmed.width).toBeLessThanOrEqual(144);
  });

  it('removes small islands of stray background', async () => {
    const { image, mask } = redDiscOnGreen();
    const speck = new Uint8Array(mask.data);
    for (let y = 5; y < 9; y++) for (let x = 5; x < 9; x++) speck[y * 200 + x] = 255;
    const cleaned = await finishMatte(
      image,
      { ...mask, data: speck },
      { refine: false, edges: 'soft', removeIslands: true, feather: 0 },
    );
    expect(cleaned.data[6 * 200 + 6]).toBe(0);
    expect(cleaned.data[100 * 200 + 100]).toBe(255);
  });

  it('keeps the ICC profile and EXIF on output, with orientation normalised', async () => {
    const photo = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#c33' } })
      .withIccProfile('p3')
      .withExif({ IFD0: { Artist: 'Atelier test' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const decoded = await decodeImageBuffer(photo, 'oriented.jpg');
    expect([decoded.image.width, decoded.image.height]).toEqual([40, 60]); // rotated by its EXIF
    const out = await encodeImage(
      { ...decoded.image },
      { format: 'png', icc: decoded.icc, exif: decoded.exif },
    );
    const meta = await sharp(out).metadata();
    expect(meta.icc?.length).toBeGreaterThan(100);
    expect(meta.exif?.toString('latin1')).toContain('Atelier test');
    expect(meta.orientation ?? 1).toBe(1);
    expect([meta.width, meta.height]).toEqual([40, 60]);
  });

  it('round 3, same shape as finding 2: an ICC profile planted under a guessable temp name is never used', async () => {
    const photo = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#3c3' } })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const decoded = await decodeImageBuffer(photo, 'p3.jpg');
    const digest = createHash('sha256').update(decoded.icc!).digest('hex').slice(0, 24);
    // What another user of a shared temp folder could leave where older versions looked first.
    const planted = path.join(os.tmpdir(), `atelier-icc-${digest}.icc`);
    const sRgb = (
      await sharp(
        await sharp({ create: { width: 2, height: 2, channels: 3, background: '#fff' } })
          .withIccProfile('srgb')
          .png()
          .toBuffer(),
      ).metadata()
    ).icc!;
    writeFileSync(planted, sRgb);
    try {
      const out = await encodeImage({ ...decoded.image }, { format: 'png', icc: decoded.icc });
      expect((await sharp(out).metadata()).icc?.equals(decoded.icc!)).toBe(true);
    } finally {
      rmSync(planted, { force: true });
    }
  });
});
