import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../imaging/decode';
import { ModelRegistry } from '../../models/registry';
import { ModelSessions } from '../../models/sessions';
import { FIXTURE_PHOTOS, fixturePhoto, rembgExpected } from '../../testing/fixtures';
import { computeMatte, defaultMatteOptions } from '..';

/** IoU of two masks thresholded at 128. */
function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! >= 128;
    const y = b[i]! >= 128;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return inter / union;
}

// rembg's own u2netp output on its four test photos is the reference (../shared/fixtures/rembg).
describe('u2netp masks agree with rembg', () => {
  const sessions = new ModelSessions(new ModelRegistry());
  beforeAll(() => sessions.load('u2netp', 'cpu'));

  it.each(FIXTURE_PHOTOS)(
    '%s: IoU ≥ 0.99 without refinement (Pillow-exact resizes), ≥ 0.95 with it',
    async (name) => {
      const decoded = await decodeImage(fixturePhoto(name));
      const expected = await sharp(`${rembgExpected}/${name}.u2netp.png`)
        .ensureAlpha()
        .extractChannel(3)
        .raw()
        .toBuffer();
      const options = { ...defaultMatteOptions, provider: 'cpu' as const, removeIslands: false };
      // The plain path is rembg's single pass: one look (the second look is the default pipeline's).
      const plain = await computeMatte(decoded, { ...options, refine: false, maskQuality: 'fast' }, sessions);
      const refined = await computeMatte(decoded, { ...options, refine: true }, sessions);
      expect(plain.mask.width).toBe(decoded.image.width);
      expect(plain.mask.data.length).toBe(expected.length);
      const plainIou = iou(plain.mask.data, expected);
      const refinedIou = iou(refined.mask.data, expected);
      console.log(`${name}: IoU ${plainIou.toFixed(4)} plain, ${refinedIou.toFixed(4)} refined`);
      expect(plainIou).toBeGreaterThanOrEqual(0.99);
      expect(refinedIou).toBeGreaterThanOrEqual(0.95);
      expect(plain.provider.used).toBe('cpu');
    },
  );
});
