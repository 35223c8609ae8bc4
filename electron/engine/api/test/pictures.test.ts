/**
 * Pictures for backgrounds and references through the real handler table (issue 19): a picked photo
 * is kept in the profile and shown through the image store, offered again, and used by a cut-out's
 * image background at full resolution; a file that is not an image, a 30000×30000 PNG and a file that
 * vanished are refused with the file's name and what to do.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto } from '../../testing/fixtures';
import { handlerTableUnderTest } from '../../testing/handler-table';
import { pngHeaderOnly } from '../../testing/crafted-png';

describe('pictures: picked, kept, offered again, used as a background', () => {
  const api = handlerTableUnderTest('atelier-pictures-');
  const { call, dir } = api;
  beforeAll(api.open);
  afterAll(api.close);

  it('keeps a picked picture in the profile and offers it again; a cut-out renders on it', async () => {
    const sky = path.join(dir, 'sky.png');
    await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 20, g: 200, b: 40 } } })
      .png()
      .toFile(sky);
    const picture = await call('pictures.add', { path: sky });
    expect(picture.name).toBe('sky.png');
    expect(String(picture.path).startsWith(path.join(dir, 'profile'))).toBe(true);
    expect(api.engine().store.image(picture.imageId as number).width).toBe(400);
    expect((await call('pictures.recent', {})).pictures).toEqual([picture]);

    const cut = await call('batch.start', {
      operation: 'cutout',
      params: {},
      inputs: [fixturePhoto('car-1')],
    });
    const done = await api.finished(cut.batchId as string);
    const rendered = await call('edit.render', {
      id: done.id,
      recipe: { background: { type: 'image', path: picture.path } },
    });
    const item = rendered.item as { outputImageId: number };
    const { data, info } = await sharp(api.engine().store.image(item.outputImageId).bytes)
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The top-left corner is background: the picture's green, not transparency.
    expect([data[0], data[1], data[2], info.channels === 4 ? data[3] : 255]).toEqual([20, 200, 40, 255]);
  }, 120_000);

  it('refuses a file that is not an image, a 30000² picture and a vanished file, by name', async () => {
    const text = path.join(dir, 'notes.png');
    writeFileSync(text, 'not a picture at all');
    await expect(call('pictures.add', { path: text })).rejects.toMatchObject({
      message: expect.stringContaining('notes.png'),
    });
    const huge = path.join(dir, 'huge.png');
    writeFileSync(huge, pngHeaderOnly(30000, 30000));
    await expect(call('pictures.add', { path: huge })).rejects.toMatchObject({
      code: 'TOO_MANY_PIXELS',
      message: expect.stringContaining('huge.png is 30000×30000'),
    });
    await expect(call('pictures.add', { path: path.join(dir, 'gone.jpg') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'gone.jpg could not be read',
    });
    expect((await call('pictures.recent', {})).pictures).toHaveLength(1);
  });
});
