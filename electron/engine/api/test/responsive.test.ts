/**
 * The engine's host thread keeps answering the UI while a 24 MP re-render composes (issue 20): the
 * compositing runs in the worker pool, so an API call made while it is under way is answered before
 * it ends. Behaviour, not a timing figure (bench/responsiveness.ts measures the stalls).
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { fixturePhoto, tempDir } from '../../testing/fixtures';
import { createHandlers, dispatch, type HandlerTable } from '../handlers';

const { dir, cleanup } = tempDir('atelier-responsive-');
let engine: Engine;
let table: HandlerTable;
let id: number;

beforeAll(async () => {
  engine = await Engine.open({
    profileDir: path.join(dir, 'profile'),
    provider: 'cpu',
    billing: 'none',
    maxPixels: 200_000_000,
  });
  table = createHandlers({ engine, version: 'test', emit: () => {} });
  const source = fixturePhoto('cloth-1');
  const meta = await sharp(source).metadata();
  const scale = Math.sqrt(24e6 / (meta.width! * meta.height!));
  const photo = path.join(dir, 'cloth-24mp.jpg');
  await sharp(source, { limitInputPixels: false })
    .resize(Math.round(meta.width! * scale), Math.round(meta.height! * scale))
    .jpeg({ quality: 90 })
    .toFile(photo);
  const cut = await engine.generate('cutout', {}, photo, path.join(dir, 'cut.png'));
  expect(cut.status).toBe('done');
  id = engine.store.history({ limit: 1 }).items[0]!.id;
}, 300_000);

afterAll(async () => {
  await engine?.close();
  cleanup();
});

describe('a 24 MP re-render', () => {
  it('lets an API call made while it composes be answered before the compositing ends', async () => {
    const events: string[] = [];
    let answered: Promise<unknown> | undefined;
    const render = engine.editor.render(
      id,
      { background: { type: 'blur', radius: 24 } },
      {
        onProgress: (fraction) => {
          if (fraction === 0) {
            events.push('compose started');
            answered = dispatch(table, 'settings.get', {}).then((r) => {
              expect(r.ok).toBe(true);
              events.push('settings.get answered');
            });
          } else if (fraction === 1) events.push('compose finished');
        },
      },
    );
    const result = await render;
    events.push('render finished');
    await answered;
    expect(result.row.status).toBe('done');
    const output = engine.store.image(result.row.outputImageId!);
    expect(output.width * output.height).toBeGreaterThan(20e6);
    expect(events).toEqual([
      'compose started',
      'settings.get answered',
      'compose finished',
      'render finished',
    ]);
  }, 120_000);
});
