/**
 * The Engine object as hosts use it: opened on a temporary profile with the real models, params
 * validated by the operations' schemas, single images through cutout and then a new background.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { EditorStore } from './store/editor-store';
import { fixturePhoto, tempDir } from './testing/fixtures';

const work = tempDir('atelier-engine-');
let engine: Engine;
let photo: string;

beforeAll(async () => {
  engine = await Engine.open({ profileDir: path.join(work.dir, 'profile'), provider: 'cpu' });
  photo = path.join(work.dir, 'car.jpg');
  await sharp(fixturePhoto('car-1')).resize({ width: 320 }).jpeg().toFile(photo);
});
afterAll(async () => {
  await engine.close();
  work.cleanup();
});

describe('Engine', () => {
  it('refuses bad params with one error naming the field', () => {
    expect(() => engine.bind('cutout', { feather: -3 })).toThrow(/cutout: feather: /);
    expect(() => engine.bind('stylize', { strength: 2 })).toThrow(/stylize: strength: /);
    expect(() => engine.bind('compose', {})).toThrow(/compose: reference: /);
  });

  it('cuts out one image, then puts the cut-out on a new background', async () => {
    const cut = path.join(work.dir, 'out', 'car.png');
    const result = await engine.runOne('cutout', {}, photo, cut);
    expect(result).toMatchObject({
      status: 'done',
      model: 'u2netp',
      provider: { requested: 'cpu', used: 'cpu' },
    });
    const alpha = await sharp(cut).extractChannel(3).stats();
    // A real cutout: some pixels fully transparent, some fully opaque.
    expect(alpha.channels[0]?.min).toBe(0);
    expect(alpha.channels[0]?.max).toBe(255);

    const onWhite = path.join(work.dir, 'out', 'car-white.jpg');
    const bg = await engine.runOne(
      'background',
      { background: { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } }, format: 'jpeg' },
      cut,
      onWhite,
    );
    expect(bg.status, JSON.stringify(bg.error)).toBe('done');
    const meta = await sharp(onWhite).metadata();
    expect([meta.format, meta.hasAlpha]).toEqual(['jpeg', false]);
    // Where the cut-out was transparent, the new picture is the white background.
    const { data, info } = await sharp(cut).raw().toBuffer({ resolveWithObject: true });
    const white = await sharp(onWhite).raw().toBuffer();
    const i = data.findIndex((_, k) => k % 4 === 3 && data[k] === 0) - 3;
    expect(i).toBeGreaterThanOrEqual(0);
    const px = (i / info.channels) * 3;
    expect([white[px], white[px + 1], white[px + 2]].every((v) => (v ?? 0) > 245)).toBe(true);
    expect(readdirSync(path.dirname(cut)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('a cut-out keeps the photo’s colour profile, and its EXIF when asked (encoded in the pool)', async () => {
    const tagged = path.join(work.dir, 'p3.jpg');
    await sharp(photo)
      .withIccProfile('p3')
      .withExif({ IFD0: { Copyright: 'Atelier test' } })
      .jpeg()
      .toFile(tagged);
    const sourceIcc = (await sharp(tagged).metadata()).icc!;
    const cut = path.join(work.dir, 'out', 'p3.png');
    const result = await engine.runOne('cutout', { keepMetadata: true }, tagged, cut);
    expect(result.status, JSON.stringify(result.error)).toBe('done');
    const meta = await sharp(cut).metadata();
    expect(meta.icc?.equals(sourceIcc)).toBe(true);
    expect(meta.exif?.includes('Atelier test')).toBe(true);
  });

  it('records a generation in the history with its input and output', async () => {
    const before = engine.store.count();
    const result = await engine.generate(
      'cutout',
      { maskOnly: true },
      photo,
      path.join(work.dir, 'gen', 'mask.png'),
    );
    expect(result.status).toBe('done');
    expect(engine.store.count()).toBe(before + 1);
    const [latest] = engine.store.history({}).items;
    expect(latest).toMatchObject({ operation: 'cutout', model: 'u2netp', provider: 'cpu', status: 'done' });
  });

  it('records a cut-out as written and read: the pool’s stored forms, sizes and thumbnails match the files', async () => {
    // The cut-out task makes the history's forms from its pixels (workers/tasks.ts): the record must
    // still hold exactly the file written, measured as it is, with its mask.
    const file = path.join(work.dir, 'gen', 'car-cut.png');
    const result = await engine.generate(
      'cutout',
      { background: { type: 'color', color: { r: 51, g: 102, b: 204, a: 255 } } },
      photo,
      file,
    );
    expect(result.status).toBe('done');
    const [latest] = engine.store.history({ limit: 1 }).items;
    const item = engine.store.getGeneration(latest!.id);
    const written = readFileSync(file);
    const stored = await engine.store.loadImage(item.output!.id);
    expect(stored.bytes.equals(written)).toBe(true);
    expect(item.output).toMatchObject({ mime: 'image/png', width: 320, byteSize: written.length });
    expect(item.output!.height).toBe((await sharp(written).metadata()).height);
    const thumb = await sharp(engine.store.thumbnail(item.output!.id)).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 256 });
    // The input too, read and measured where it was decoded.
    const original = await engine.store.loadImage(item.input!.id);
    expect(original.bytes.equals(readFileSync(photo))).toBe(true);
    expect(item.input).toMatchObject({ mime: 'image/jpeg', width: 320, height: item.output!.height });
    const inputThumb = await sharp(engine.store.thumbnail(item.input!.id)).metadata();
    expect(inputThumb).toMatchObject({ format: 'webp', width: 256 });
    const edit = new EditorStore(engine.store).edit(latest!.id);
    const mask = await engine.store.loadImage(edit!.modelMaskImageId!);
    expect(await sharp(mask.bytes).metadata()).toMatchObject({ format: 'png', width: 320, channels: 1 });
  });

  it('reports a bad file as a failed result, not a thrown error', async () => {
    const result = await engine.runOne(
      'cutout',
      {},
      path.join(work.dir, 'missing.jpg'),
      path.join(work.dir, 'x.png'),
    );
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('NOT_FOUND');
    expect(existsSync(path.join(work.dir, 'x.png'))).toBe(false);
  });
});
