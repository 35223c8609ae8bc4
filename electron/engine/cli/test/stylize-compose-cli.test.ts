/**
 * `atelier stylize` and `atelier compose --reference` share the batch conventions (outputs, JSON
 * lines, exit codes, bad files isolated); these run the real style and cutout models on small photos.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { textFile } from './bad-files';
import { buildCli, runCli, smallPhoto } from './harness';

const work = tempDir('atelier-stylize-compose-cli-');
beforeAll(() => buildCli());
afterAll(() => work.cleanup());

describe('atelier stylize', () => {
  it('restyles photos at the input size and isolates a bad file', async () => {
    const face = await smallPhoto('anime-girl-1', path.join(work.dir, 'in', 'face.jpg'), 256);
    const bad = textFile(path.join(work.dir, 'in', 'bad.jpg'));
    const out = path.join(work.dir, 'styled');
    const r = await runCli([
      'stylize',
      face,
      bad,
      '--out',
      out,
      '--size',
      '256',
      '--format',
      'jpeg',
      '--json',
      '--profile',
      path.join(work.dir, 'p1'),
    ]);
    expect(r.code, r.stderr).toBe(2);
    const done = r.json.find((j) => j.input === face);
    expect(done).toMatchObject({
      status: 'done',
      model: 'anime-facepaint',
      output: path.join(out, 'face.jpg'),
    });
    const [before, after] = await Promise.all([
      sharp(face).raw().toBuffer({ resolveWithObject: true }),
      sharp(path.join(out, 'face.jpg')).raw().toBuffer({ resolveWithObject: true }),
    ]);
    expect([after.info.width, after.info.height]).toEqual([before.info.width, before.info.height]);
    // The look changed the picture: a mean absolute difference well above JPEG noise.
    let diff = 0;
    for (let i = 0; i < before.data.length; i++)
      diff += Math.abs((before.data[i] ?? 0) - (after.data[i] ?? 0));
    expect(diff / before.data.length).toBeGreaterThan(8);
    expect(r.json.find((j) => j.input === bad)).toMatchObject({ status: 'failed' });
  });

  it('restyles only the background with --mode background, leaving the subject as it was', async () => {
    const car = await smallPhoto('car-1', path.join(work.dir, 'in4', 'car.png'), 256);
    const out = path.join(work.dir, 'styled-bg');
    const r = await runCli([
      'stylize',
      car,
      '--out',
      out,
      '--mode',
      'background',
      '--size',
      '256',
      '--profile',
      path.join(work.dir, 'p4'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [before, after] = await Promise.all([
      sharp(car).removeAlpha().raw().toBuffer(),
      sharp(path.join(out, 'car.png')).removeAlpha().raw().toBuffer(),
    ]);
    // Some pixels (the subject) are unchanged, others (the background) changed.
    let same = 0;
    for (let i = 0; i < before.length; i += 3)
      if (before[i] === after[i] && before[i + 1] === after[i + 1]) same++;
    const share = same / (before.length / 3);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.95);
  });
});

describe('atelier compose --reference', () => {
  it('places the subject into the reference, or on a backdrop from its palette', async () => {
    const product = await smallPhoto('car-1', path.join(work.dir, 'in2', 'car.jpg'), 320);
    const reference = await smallPhoto('plants-1', path.join(work.dir, 'ref', 'room.jpg'), 480);
    const refMeta = await sharp(reference).metadata();
    const placed = await runCli([
      'compose',
      product,
      '--reference',
      reference,
      '--out',
      path.join(work.dir, 'placed'),
      '--json',
      '--profile',
      path.join(work.dir, 'p2'),
    ]);
    expect(placed.code, placed.stderr).toBe(0);
    const placedMeta = await sharp(path.join(work.dir, 'placed', 'car.png')).metadata();
    expect([placedMeta.width, placedMeta.height]).toEqual([refMeta.width, refMeta.height]);

    const backdrop = await runCli([
      'compose',
      product,
      '--reference',
      reference,
      '--mode',
      'backdrop',
      '--out',
      path.join(work.dir, 'backdrop'),
      '--profile',
      path.join(work.dir, 'p2'),
    ]);
    expect(backdrop.code, backdrop.stderr).toBe(0);
    const stats = await sharp(path.join(work.dir, 'backdrop', 'car.png')).stats();
    // An opaque backdrop fills the frame: opaque everywhere (written without an alpha channel).
    expect(stats.isOpaque).toBe(true);
  });

  it('refuses a missing reference with a usage error naming it', async () => {
    const product = await smallPhoto('car-1', path.join(work.dir, 'in3', 'car.jpg'), 160);
    const r = await runCli([
      'compose',
      product,
      '--out',
      path.join(work.dir, 'x'),
      '--profile',
      path.join(work.dir, 'p3'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--reference FILE is required/);
    const missing = path.join(work.dir, 'nope.jpg');
    const r2 = await runCli([
      'compose',
      product,
      '--reference',
      missing,
      '--out',
      path.join(work.dir, 'x'),
      '--profile',
      path.join(work.dir, 'p3'),
    ]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/--reference: no such file .*nope\.jpg/);
  });
});
