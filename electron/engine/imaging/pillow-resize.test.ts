import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturePhoto } from '../testing/fixtures';
import { pillowLanczos } from './pillow-resize';

// Byte-exactness against Pillow was checked by hand (Debian's python3-pil 9.4: shrink to 320², enlarge
// RGB and a mask: 0 differing bytes); Pillow is not a dependency, so these check what must hold anyway.
describe('pillowLanczos', () => {
  it('keeps a flat image flat and an unchanged size identical', () => {
    const flat = { data: Buffer.alloc(37 * 23 * 3, 200), width: 37, height: 23, channels: 3 as const };
    expect([...new Set(pillowLanczos(flat, 11, 40).data)]).toEqual([200]);
    expect(pillowLanczos(flat, 37, 23)).toBe(flat);
  });

  it('agrees with libvips Lanczos on a photo to within rounding and pre-shrink differences', async () => {
    const { data, info } = await sharp(fixturePhoto('car-1')).raw().toBuffer({ resolveWithObject: true });
    const image = { data, width: info.width, height: info.height, channels: 3 as const };
    // Shrinking only: when enlarging libvips places pixel centres differently (half-pixel shifts).
    for (const [w, h] of [
      [320, 320],
      [200, 150],
    ] as const) {
      const ours = pillowLanczos(image, w, h);
      const vips = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
        .raw()
        .toBuffer();
      let err = 0;
      for (let i = 0; i < vips.length; i++) err += Math.abs(vips[i]! - ours.data[i]!);
      expect(ours.data.length).toBe(vips.length);
      expect(err / vips.length, `${w}×${h}`).toBeLessThan(1.5);
    }
  });
});
