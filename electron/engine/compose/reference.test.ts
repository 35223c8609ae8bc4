import { writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mask, RawImage } from '../imaging/raw';
import { tempDir } from '../testing/fixtures';
import { subjectBounds } from './core/bounds';
import { loadFixtureSubject } from '../testing/compose-subject';
import { placeOnReference, placeOnReferenceFile } from './reference';

const tmp = tempDir('atelier-compose-ref-');
afterAll(() => tmp.cleanup());

/** Left half: busy black/white noise; right half: flat beige. */
function halfBusy(width = 320, height = 240): RawImage {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < width * height; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const v = i % width < width / 2 ? (seed >> 16) & 255 : -1;
    data.set(v < 0 ? [220, 205, 180] : [v, v, v], i * 3);
  }
  return { data, width, height, channels: 3 };
}

/** A PNG whose header claims `width`×`height` (no real pixel data): enough for a metadata read. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([len, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const alphaMaskOfDifference = (a: RawImage, b: RawImage): Mask => {
  const data = new Uint8Array(a.width * a.height);
  for (let i = 0; i < data.length; i++) {
    const d =
      Math.abs((a.data[i * 4] ?? 0) - (b.data[i * 4] ?? 0)) +
      Math.abs((a.data[i * 4 + 2] ?? 0) - (b.data[i * 4 + 2] ?? 0));
    data[i] = d > 40 ? 255 : 0;
  }
  return { data, width: a.width, height: a.height };
};

describe('placeOnReference', () => {
  it('stands the subject on the floor, ~60 % of the frame tall, on the calm side', async () => {
    const { subject, mask } = await loadFixtureSubject('cloth-1', 300);
    const reference = halfBusy();
    const { image, box } = await placeOnReference(subject, mask, reference, { shadow: null });
    expect([image.width, image.height]).toEqual([320, 240]);
    expect(Math.abs(box.height / 240 - 0.6)).toBeLessThan(0.01);
    // Base in the lower part of the frame (on the floor), top not cut.
    expect(box.y + box.height).toBeGreaterThan((240 * 2) / 3);
    expect(box.y).toBeGreaterThan(0);
    // The busy left half is avoided.
    expect(box.x + box.width / 2).toBeGreaterThan(160);
    // Far from the subject, the reference shows through unchanged.
    expect([...image.data.subarray((10 * 320 + 5) * 4, (10 * 320 + 5) * 4 + 3)]).toEqual([
      ...reference.data.subarray((10 * 320 + 5) * 3, (10 * 320 + 5) * 3 + 3),
    ]);
  });

  it('centres on request, cover-fits to a requested size and adds a contact shadow', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 240);
    const flat: RawImage = { data: Buffer.alloc(200 * 100 * 3, 200), width: 200, height: 100, channels: 3 };
    const shaded = await placeOnReference(subject, mask, flat, {
      width: 160,
      height: 160,
      placement: 'center',
    });
    const bare = await placeOnReference(subject, mask, flat, {
      width: 160,
      height: 160,
      placement: 'center',
      shadow: null,
    });
    expect([shaded.image.width, shaded.image.height]).toEqual([160, 160]);
    expect(Math.abs(shaded.box.x + shaded.box.width / 2 - 80)).toBeLessThanOrEqual(1);
    // The shadow is the only difference, and it lies around the base (the car is seen in 3/4 view: its rear wheel touches the floor about 60 % down its box, so nothing above 40 %).
    const diff = subjectBounds(alphaMaskOfDifference(shaded.image, bare.image), 1);
    const diffLuma = shaded.image.data[((shaded.box.y + shaded.box.height + 1) * 160 + 80) * 4] ?? 255;
    expect(diffLuma).toBeLessThan(200);
    expect(diff?.y).toBeGreaterThan(shaded.box.y + shaded.box.height * 0.4);
  });

  it('refuses a tiny reference picture', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 64);
    const tiny: RawImage = { data: Buffer.alloc(8 * 8 * 3), width: 8, height: 8, channels: 3 };
    await expect(placeOnReference(subject, mask, tiny)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/too small \(8×8/),
    });
  });
});

describe('placeOnReferenceFile', () => {
  it('names the file when it is missing, corrupt, tiny or too large', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 64);
    const missing = path.join(tmp.dir, 'missing.jpg');
    await expect(placeOnReferenceFile(subject, mask, missing)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      file: missing,
    });

    const corrupt = path.join(tmp.dir, 'corrupt.jpg');
    writeFileSync(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6]));
    await expect(placeOnReferenceFile(subject, mask, corrupt)).rejects.toMatchObject({
      code: 'CORRUPT_IMAGE',
      file: corrupt,
    });

    const tiny = path.join(tmp.dir, 'tiny.png');
    await sharp({ create: { width: 10, height: 12, channels: 3, background: '#888' } })
      .png()
      .toFile(tiny);
    await expect(placeOnReferenceFile(subject, mask, tiny)).rejects.toMatchObject({
      code: 'USAGE',
      file: tiny,
      message: expect.stringContaining(tiny),
    });

    // 30 000 × 30 000 claimed in the header: refused from the metadata, never decoded.
    const huge = path.join(tmp.dir, 'huge.png');
    writeFileSync(huge, pngHeader(30_000, 30_000));
    await expect(placeOnReferenceFile(subject, mask, huge)).rejects.toMatchObject({
      code: 'TOO_MANY_PIXELS',
      file: huge,
    });
  });

  it('composites onto a real reference file', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 200);
    const file = path.join(tmp.dir, 'ref.jpg');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#6a8caf' } })
      .jpeg()
      .toFile(file);
    const { image, box } = await placeOnReferenceFile(subject, mask, file, { harmonize: 0.3 });
    expect([image.width, image.height]).toEqual([300, 200]);
    expect(box.width).toBeGreaterThan(0);
  });
});
