import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { fixturePhoto, tempDir } from '../testing/fixtures';
import { decodeImage, decodeImageBuffer, DEFAULT_MAX_PIXELS } from './decode';
import { pngHeaderOnly } from '../testing/crafted-png';

const tmp = tempDir('atelier-decode-');
afterAll(() => tmp.cleanup());

async function expectAtelierError(
  promise: Promise<unknown>,
  code: string,
  file: string,
): Promise<AtelierError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AtelierError);
  const e = error as AtelierError;
  expect(e.code).toBe(code);
  expect(e.message).toContain(file);
  expect(e.message).not.toContain('\n');
  expect(e.hint ?? '').not.toBe('');
  return e;
}

function write(name: string, data: Buffer | string): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, data);
  return file;
}

describe('decodeImage: formats', () => {
  const base = () =>
    sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 10, g: 120, b: 240 } } });

  it.each([
    ['jpeg', () => base().jpeg().toBuffer()],
    ['png', () => base().png().toBuffer()],
    ['webp', () => base().webp({ lossless: true }).toBuffer()],
    ['avif', () => base().avif({ lossless: true }).toBuffer()],
    ['tiff', () => base().tiff().toBuffer()],
    ['gif', () => base().gif().toBuffer()],
  ])('reads %s as 8-bit sRGB', async (format, make) => {
    const file = write(`photo.${format}`, await make());
    const d = await decodeImage(file);
    expect(d.format).toBe(format);
    expect([d.image.width, d.image.height]).toEqual([24, 16]);
    expect(d.image.data.length).toBe(24 * 16 * d.image.channels);
    const [r, g, b] = d.image.data;
    // Lossy formats and the GIF palette move colours a little.
    expect(Math.abs(r! - 10)).toBeLessThan(12);
    expect(Math.abs(g! - 120)).toBeLessThan(12);
    expect(Math.abs(b! - 240)).toBeLessThan(12);
  });

  it('reads a real photo', async () => {
    const d = await decodeImage(fixturePhoto('car-1'));
    expect(d.image.channels).toBe(3);
    expect(d.hasAlpha).toBe(false);
    expect(d.bytes).toBe((await readFile(fixturePhoto('car-1'))).length);
  });

  it('turns greyscale, 16-bit, palette and alpha inputs into 8-bit RGB(A)', async () => {
    const grey = await sharp(Buffer.alloc(8 * 8, 77), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
    const g = await decodeImageBuffer(grey, 'grey.png');
    expect(g.image.channels).toBe(3);
    expect([...g.image.data.subarray(0, 3)]).toEqual([77, 77, 77]);

    const deep = await sharp(Buffer.alloc(8 * 8 * 3, 200), { raw: { width: 8, height: 8, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const d16 = await decodeImageBuffer(deep, 'deep.png');
    expect(d16.image.data.length).toBe(8 * 8 * 3);
    expect(Math.abs(d16.image.data[0]! - 200)).toBeLessThanOrEqual(1);

    const palette = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .png({ palette: true })
      .toBuffer();
    expect((await sharp(palette).metadata()).isPalette).toBe(true);
    const p = await decodeImageBuffer(palette, 'palette.png');
    expect(p.image.channels).toBe(3);
    expect([...p.image.data.subarray(0, 3)]).toEqual([0x33, 0x66, 0x99]);

    const alpha = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const a = await decodeImageBuffer(alpha, 'alpha.png');
    expect(a.hasAlpha).toBe(true);
    expect(a.image.channels).toBe(4);
    expect(a.image.data[3]).toBe(128);
  });

  it('converts CMYK to sRGB', async () => {
    const cmyk = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 220, g: 20, b: 20 } },
    })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const d = await decodeImageBuffer(cmyk, 'print.jpg');
    expect(d.image.channels).toBe(3);
    const [r, g, b] = d.image.data;
    expect(r!).toBeGreaterThan(150);
    expect(g!).toBeLessThan(90);
    expect(b!).toBeLessThan(90);
  });

  it('applies EXIF orientation and keeps ICC and EXIF buffers', async () => {
    // 40×20 stored with orientation 6 (rotate 90° clockwise to view): upright it is 20×40.
    const stored = Buffer.alloc(40 * 20 * 3, 0);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) stored[(y * 40 + x) * 3] = 255; // left half red
    const jpeg = await sharp(stored, { raw: { width: 40, height: 20, channels: 3 } })
      .withIccProfile('p3')
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const d = await decodeImageBuffer(jpeg, 'rotated.jpg');
    expect([d.image.width, d.image.height]).toEqual([20, 40]);
    // After a clockwise turn the stored left half is on top.
    expect(d.image.data[0]!).toBeGreaterThan(200);
    expect(d.image.data[39 * 20 * 3]!).toBeLessThan(60);
    expect(d.icc?.subarray(36, 40).toString('latin1')).toBe('acsp');
    expect(d.exif?.subarray(0, 4).toString('latin1')).toBe('Exif');
  });
});

describe('decodeImage: bad input', () => {
  it('missing file → NOT_FOUND', async () => {
    await expectAtelierError(decodeImage(path.join(tmp.dir, 'nope.jpg')), 'NOT_FOUND', 'nope.jpg');
  });

  it('zero-byte file → EMPTY_FILE', async () => {
    await expectAtelierError(decodeImage(write('empty.jpg', '')), 'EMPTY_FILE', 'empty.jpg');
  });

  it('truncated JPEG → CORRUPT_IMAGE asking to re-export', async () => {
    const whole = await readFile(fixturePhoto('cloth-1'));
    const file = write('truncated.jpg', whole.subarray(0, Math.floor(whole.length / 2)));
    const e = await expectAtelierError(decodeImage(file), 'CORRUPT_IMAGE', 'truncated.jpg');
    expect(e.hint).toContain('re-export');
  });

  it('a text file named .png → UNSUPPORTED_FORMAT', async () => {
    const e = await expectAtelierError(
      decodeImage(write('notes.png', 'these are my notes, not a picture\n')),
      'UNSUPPORTED_FORMAT',
      'notes.png',
    );
    expect(e.message).toContain('not an image');
  });

  it('a PNG with a broken header → CORRUPT_IMAGE', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const broken = Buffer.concat([png.subarray(0, 12), Buffer.alloc(20, 0xee)]);
    await expectAtelierError(decodeImage(write('broken.png', broken)), 'CORRUPT_IMAGE', 'broken.png');
  });

  it('a format we do not read (SVG) → UNSUPPORTED_FORMAT', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    await expectAtelierError(decodeImage(write('logo.svg', svg)), 'UNSUPPORTED_FORMAT', 'logo.svg');
  });

  it('a decompression bomb (30000×30000 PNG) is refused from its header', async () => {
    const bomb = pngHeaderOnly(30000, 30000);
    expect(bomb.length).toBeLessThan(2_000_000);
    const started = Date.now();
    const e = await expectAtelierError(decodeImage(write('bomb.png', bomb)), 'TOO_MANY_PIXELS', 'bomb.png');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e.message).toContain('30000×30000');
    expect(DEFAULT_MAX_PIXELS).toBe(100_000_000);
  });

  it('the pixel limit is configurable', async () => {
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expectAtelierError(
      decodeImageBuffer(png, 'big.png', { maxPixels: 9_999 }),
      'TOO_MANY_PIXELS',
      'big.png',
    );
    expect((await decodeImageBuffer(png, 'ok.png', { maxPixels: 10_000 })).image.width).toBe(100);
  });
});
