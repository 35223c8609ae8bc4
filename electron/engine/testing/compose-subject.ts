/**
 * Test and gallery input for compose: a fixture photo with rembg's u2netp alpha as a real mask, in
 * the shape matte/ hands to compose (subject RGBA with alpha = mask, the original, the mask).
 * Used only by tests and scripts, never by product code.
 */
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Mask, RawImage } from '../imaging/raw';
import { fixturePhoto, rembgExpected, type FIXTURE_PHOTOS } from './fixtures';
import { rawFromSharp } from '../compose/sharp-raw';

export interface FixtureSubject {
  subject: RawImage;
  original: RawImage;
  mask: Mask;
}

/** `maxSide` downsizes (keeps tests fast); omit it for the full-size photo. */
export async function loadFixtureSubject(
  photo: (typeof FIXTURE_PHOTOS)[number],
  maxSide?: number,
): Promise<FixtureSubject> {
  const resize = (s: Sharp) => (maxSide ? s.resize(maxSide, maxSide, { fit: 'inside' }) : s);
  const original = await rawFromSharp(resize(sharp(fixturePhoto(photo)).removeAlpha()));
  const cut = await rawFromSharp(
    resize(sharp(path.join(rembgExpected, `${photo}.u2netp.png`)))
      .ensureAlpha()
      .toColourspace('srgb'),
  );
  const n = cut.width * cut.height;
  const mask = new Uint8Array(n);
  const subject = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const a = cut.data[i * 4 + 3] ?? 0;
    mask[i] = a;
    // Colours from the photo itself: rembg's output zeroes RGB under transparent pixels.
    subject[i * 4] = original.data[i * 3] ?? 0;
    subject[i * 4 + 1] = original.data[i * 3 + 1] ?? 0;
    subject[i * 4 + 2] = original.data[i * 3 + 2] ?? 0;
    subject[i * 4 + 3] = a;
  }
  return {
    subject: { data: subject, width: cut.width, height: cut.height, channels: 4 },
    original,
    mask: { data: mask, width: cut.width, height: cut.height },
  };
}
