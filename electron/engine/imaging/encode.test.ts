/**
 * Encoding keeps pixels: an opaque RGBA picture (a subject on a background) is written without its
 * alpha channel, a picture with any transparency keeps it. Real sharp, decoded back.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeImage } from './encode';
import type { RawImage } from './raw';

function picture(alphaAt: (i: number) => number): RawImage {
  const width = 64;
  const height = 48;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = (i * 7) % 256;
    data[i * 4 + 1] = (i * 13) % 256;
    data[i * 4 + 2] = (i * 29) % 256;
    data[i * 4 + 3] = alphaAt(i);
  }
  return { data, width, height, channels: 4 };
}

async function decoded(bytes: Buffer) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

describe('encodeImage', () => {
  for (const format of ['png', 'webp'] as const) {
    it(`writes an opaque RGBA picture as ${format} without alpha`, async () => {
      const img = picture(() => 255);
      const bytes = await encodeImage(img, { format, quality: 100 });
      const meta = await sharp(bytes).metadata();
      expect(meta.hasAlpha).toBe(false);
      if (format === 'png') {
        // Lossless: the same colours, every pixel.
        const back = await decoded(bytes);
        expect(back.channels).toBe(3);
        for (let i = 0; i < img.width * img.height; i++) {
          expect([back.data[i * 3], back.data[i * 3 + 1], back.data[i * 3 + 2]]).toEqual([
            img.data[i * 4],
            img.data[i * 4 + 1],
            img.data[i * 4 + 2],
          ]);
        }
      }
    });
  }

  it('keeps the alpha of a picture with one transparent pixel, wherever it is', async () => {
    const img = picture((i) => (i === 64 * 48 - 1 ? 0 : 255));
    const back = await decoded(await encodeImage(img, { format: 'png' }));
    expect(back.channels).toBe(4);
    expect(back.data.at(-1)).toBe(0);
    expect(Buffer.compare(back.data, img.data)).toBe(0);
  });
});
