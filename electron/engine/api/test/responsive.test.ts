/**
 * The engine's host thread keeps answering the UI while a 24 MP re-render composes (issue 20): the
 * compositing runs in the worker pool, so an API call made while it is under way is answered before
 * it ends; a quick write waits for a history record in flight in its turn, not on the engine's thread.
 * Behaviour, not a timing figure (bench/responsiveness.ts measures the stalls).
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { COMPOSE_PROGRESS } from '../../operations/edit';
import { fixturePhoto, tempDir } from '../../testing/fixtures';
import { createHandlers, dispatch, type HandlerTable } from '../handlers';
import { writeTurns } from '../../store/write-turns';

const { dir, cleanup } = tempDir('atelier-responsive-');
let engine: Engine;
let table: HandlerTable;
let id: number;
/** What the table emitted (edit.progress among them). */
const emitted: { event: string; payload: unknown }[] = [];

beforeAll(async () => {
  engine = await Engine.open({
    profileDir: path.join(dir, 'profile'),
    provider: 'cpu',
    billing: 'none',
    maxPixels: 200_000_000,
  });
  table = createHandlers({
    engine,
    version: 'test',
    emit: (event, payload) => emitted.push({ event, payload }),
  });
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
          if (fraction === COMPOSE_PROGRESS.from) {
            events.push('compose started');
            answered = dispatch(table, 'settings.get', {}).then((r) => {
              expect(r.ok).toBe(true);
              events.push('settings.get answered');
            });
          } else if (fraction === COMPOSE_PROGRESS.to) events.push('compose finished');
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

describe('cancelling a 24 MP re-render through the API', () => {
  it('answers CANCELLED, reports progress before, and leaves the item as it was', async () => {
    const before = await dispatch(table, 'history.versions', { id });
    const sourceBefore = await dispatch(table, 'edit.source', { id });
    expect(before.ok && sourceBefore.ok).toBe(true);
    emitted.length = 0;
    const render = dispatch(table, 'edit.render', {
      id,
      recipe: { background: { type: 'blur', radius: 30 } },
    });
    // Cancel once the render reports it is composing (its pixel work is in the pool by then).
    await until(() => progressOf(id).some((f) => f >= COMPOSE_PROGRESS.from));
    const cancel = await dispatch(table, 'edit.cancel', { id });
    expect(cancel).toEqual({ ok: true, result: { ok: true, cancelled: true } });
    const answer = await render;
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('CANCELLED');
    // Nothing recorded: the same versions, the same recipe and revision.
    const after = await dispatch(table, 'history.versions', { id });
    const sourceAfter = await dispatch(table, 'edit.source', { id });
    expect(after).toEqual(before);
    expect(sourceAfter).toEqual(sourceBefore);
    // Nothing left to stop; and the engine renders again afterwards.
    expect(await dispatch(table, 'edit.cancel', { id })).toEqual({
      ok: true,
      result: { ok: true, cancelled: false },
    });
    const again = await dispatch(table, 'edit.render', { id, recipe: { background: '#ffffff' } });
    expect(again.ok).toBe(true);
    expect(progressOf(id).at(-1)).toBe(1);
  }, 180_000);
});

describe('a settings change while a history record is being written', () => {
  it('waits for the record in its turn while the engine goes on answering', async () => {
    // A record in flight on a pool thread holds the database's write lock (store/write-turns.ts).
    let recordWritten!: () => void;
    const record = writeTurns(engine.store.file).take(() => new Promise<void>((r) => (recordWritten = r)));
    const events: string[] = [];
    const change = dispatch(table, 'settings.set', { naming: '{name}-cut.{ext}' }).then((r) => {
      expect(r.ok).toBe(true);
      events.push('settings.set answered');
    });
    const read = await dispatch(table, 'settings.get', {});
    events.push('settings.get answered');
    expect(read.ok && (read.result as { naming: string }).naming).toBe('{name}.{ext}');
    await new Promise((r) => setTimeout(r, 20));
    events.push('record written');
    recordWritten();
    await record;
    await change;
    expect(events).toEqual(['settings.get answered', 'record written', 'settings.set answered']);
    const after = await dispatch(table, 'settings.get', {});
    expect(after.ok && (after.result as { naming: string }).naming).toBe('{name}-cut.{ext}');
  });
});

function progressOf(item: number): number[] {
  return emitted
    .filter((e) => e.event === 'edit.progress')
    .map((e) => e.payload as { id: number; fraction: number })
    .filter((p) => p.id === item)
    .map((p) => p.fraction);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
