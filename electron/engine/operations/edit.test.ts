/**
 * The editor's engine end to end on a real profile (SQLite on disk), the real u2netp model and a real
 * photo: a cut-out keeps its mask; re-renders run no model (counted on the real sessions) and spend
 * nothing; strokes apply at full resolution and survive re-renders and regeneration; an item from
 * before masks were stored is charged once; privacy-mode items and stale saves are refused.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../account/wallet';
import type { Stroke } from '../api/contract';
import { createHandlers, dispatch, type HandlerTable } from '../api/handlers';
import { Engine } from '../engine';
import { openProfile } from '../profile';
import { Store } from '../store';
import { fixturePhoto, tempDir } from '../testing/fixtures';

const work = tempDir('atelier-edit-');
let engine: Engine;
let api: HandlerTable;
let photo: string;
/** onnxruntime runs on the engine's real sessions (each loaded model's run and runMatte are counted). */
let modelRuns = 0;

function countModelRuns(e: Engine): void {
  const load = e.sessions.load.bind(e.sessions);
  const wrapped = new WeakSet<object>();
  e.sessions.load = async (...args) => {
    const loaded = await load(...args);
    if (!wrapped.has(loaded.session)) {
      wrapped.add(loaded.session);
      const run = loaded.session.run.bind(loaded.session);
      loaded.session.run = ((...a: Parameters<typeof run>) => {
        modelRuns += 1;
        return run(...a);
      }) as typeof run;
      // Matte models run through runMatte (their mask read in the inference thread).
      const runMatte = loaded.session.runMatte.bind(loaded.session);
      loaded.session.runMatte = (...a) => {
        modelRuns += 1;
        return runMatte(...a);
      };
    }
    return loaded;
  };
}

function quotaUsed(e: Engine): number {
  return e.store.ledger.quotaUsed(e.store.currentAccountId, localDay(new Date()));
}

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await dispatch(api, method, params);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.result as T;
}

async function callError(method: string, params: unknown): Promise<{ code: string; hint?: string }> {
  const r = await dispatch(api, method, params);
  if (r.ok) throw new Error(`${method} succeeded, an error was expected`);
  return r.error;
}

async function maskOf(e: Engine, imageId: number) {
  const { data, info } = await sharp(e.store.image(imageId).bytes)
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function pixelsOf(e: Engine, imageId: number) {
  const { data, info } = await sharp(e.store.image(imageId).bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

async function cutOut(e: Engine, name: string): Promise<number> {
  const result = await e.generate('cutout', {}, photo, path.join(work.dir, 'out', name));
  expect(result.status, JSON.stringify(result.error)).toBe('done');
  return e.store.history({ limit: 1 }).items[0]!.id;
}

/** A point well inside the subject (mask 255 there and in a 30 px disc around it). */
function solidSubjectPoint(mask: { data: Buffer; width: number; height: number }): [number, number] {
  for (let y = 40; y < mask.height - 40; y += 4) {
    for (let x = 40; x < mask.width - 40; x += 4) {
      let solid = true;
      for (let dy = -30; dy <= 30 && solid; dy += 5)
        for (let dx = -30; dx <= 30 && solid; dx += 5)
          if (mask.data[(y + dy) * mask.width + x + dx] !== 255) solid = false;
      if (solid) return [x + 0.5, y + 0.5];
    }
  }
  throw new Error('no solid subject area in the mask');
}

beforeAll(async () => {
  engine = await Engine.open({ profileDir: path.join(work.dir, 'profile'), provider: 'cpu' });
  countModelRuns(engine);
  api = createHandlers({ engine, version: 'test', emit: () => {} });
  photo = path.join(work.dir, 'car.jpg');
  await sharp(fixturePhoto('car-1')).resize({ width: 640 }).jpeg({ quality: 90 }).toFile(photo);
}, 60_000);
afterAll(async () => {
  await engine.close();
  work.cleanup();
});

describe('mask once, compose many', () => {
  let root: number;
  let subjectPoint: [number, number];

  it('a cut-out keeps its full-resolution mask with the item', async () => {
    modelRuns = 0;
    root = await cutOut(engine, 'car.png');
    expect(modelRuns).toBe(1);
    const source = await call<{
      maskImageId: number | null;
      width: number;
      height: number;
      canRerender: boolean;
    }>('edit.source', { id: root });
    expect(source.canRerender).toBe(true);
    expect(source.maskImageId).not.toBeNull();
    const mask = await maskOf(engine, source.maskImageId!);
    const meta = await sharp(photo).metadata();
    expect([mask.width, mask.height]).toEqual([meta.width, meta.height]);
    expect(mask.data.reduce((a, v) => Math.min(a, v), 255)).toBe(0);
    expect(mask.data.reduce((a, v) => Math.max(a, v), 0)).toBe(255);
    subjectPoint = solidSubjectPoint(mask);
  }, 60_000);

  it('re-renders three background colours without running the model or spending anything', async () => {
    const quota = quotaUsed(engine);
    modelRuns = 0;
    const source = await call<{ maskImageId: number }>('edit.source', { id: root });
    const mask = await maskOf(engine, source.maskImageId);
    const bgIndex = mask.data.findIndex((v) => v === 0);
    // The decoded original is kept between renders of one photo: it is read from the history once.
    const originalId = engine.store.getGeneration(root).inputImageId;
    let originalReads = 0;
    const loadImage = engine.store.loadImage.bind(engine.store);
    engine.store.loadImage = (imageId) => {
      if (imageId === originalId) originalReads += 1;
      return loadImage(imageId);
    };
    const colours = [
      ['#ff0000', [255, 0, 0]],
      ['#00ff00', [0, 255, 0]],
      ['#0000ff', [0, 0, 255]],
    ] as const;
    for (const [spec, rgb] of colours) {
      const r = await call<{
        item: { id: number; versionOf: number; tokensSpent: number };
        charged: boolean;
      }>('edit.render', { id: root, recipe: { background: spec } });
      expect(r.charged).toBe(false);
      expect(r.item.versionOf).toBe(root);
      expect(r.item.tokensSpent).toBe(0);
      const out = await pixelsOf(engine, engine.store.getGeneration(r.item.id).outputImageId!);
      expect([...out.data.subarray(bgIndex * 4, bgIndex * 4 + 3)]).toEqual(rgb);
    }
    expect(modelRuns).toBe(0);
    expect(quotaUsed(engine)).toBe(quota);
    expect(originalReads).toBeLessThanOrEqual(1);
    engine.store.loadImage = loadImage;

    const list = await call<{ items: { id: number; versions: number }[]; total: number }>('history.list', {});
    expect(list.items.map((i) => i.id)).toEqual([root]);
    expect(list.items[0]!.versions).toBe(3);
    const versions = await call<{ items: { id: number; versionOf: number | null }[] }>('history.versions', {
      id: root,
    });
    expect(versions.items.map((i) => i.versionOf)).toEqual([null, root, root, root]);
  }, 60_000);

  it('applies brush strokes to the mask at full resolution, free, and they survive re-renders', async () => {
    const quota = quotaUsed(engine);
    modelRuns = 0;
    const before = await call<{ maskImageId: number; revision: number }>('edit.source', { id: root });
    const model = await maskOf(engine, before.maskImageId);
    const [cx, cy] = subjectPoint;
    const erase: Stroke = { mode: 'erase', edgeAware: false, size: 40, hardness: 1, points: [[cx, cy]] };
    const saved = await call<{ maskImageId: number; revision: number }>('edit.setStrokes', {
      id: root,
      strokes: [erase],
      baseRevision: before.revision,
    });
    expect(saved.revision).toBe(before.revision + 1);
    const edited = await maskOf(engine, saved.maskImageId);
    let inside = 0;
    let changedOutside = 0;
    for (let y = 0; y < edited.height; y++) {
      for (let x = 0; x < edited.width; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        const i = y * edited.width + x;
        if (d < 19) {
          expect(edited.data[i]).toBe(0);
          inside++;
        } else if (d > 21 && edited.data[i] !== model.data[i]) changedOutside++;
      }
    }
    expect(inside).toBeGreaterThan(1000); // ≈ π·19² pixels, at full resolution
    expect(changedOutside).toBe(0);

    const r = await call<{ item: { id: number } }>('edit.render', {
      id: root,
      recipe: { background: 'white' },
    });
    const out = await pixelsOf(engine, engine.store.getGeneration(r.item.id).outputImageId!);
    const at = (Math.floor(cy) * out.width + Math.floor(cx)) * 4;
    expect([...out.data.subarray(at, at + 3)]).toEqual([255, 255, 255]); // the erased hole shows the background
    expect(modelRuns).toBe(0);
    expect(quotaUsed(engine)).toBe(quota);
  }, 60_000);

  it('a remove-part click takes a region away, an add-part click brings it back: free, stored', async () => {
    const quota = quotaUsed(engine);
    modelRuns = 0;
    const before = await call<{ maskImageId: number; revision: number; strokes: Stroke[] }>('edit.source', {
      id: root,
    });
    const kept = before.strokes; // the brush test's erase stroke stays first
    const beforeMask = await maskOf(engine, before.maskImageId);
    const [cx, cy] = solidSubjectPoint(beforeMask);
    const click = (mode: Stroke['mode']): Stroke => ({
      mode,
      edgeAware: true,
      size: 8,
      hardness: 1,
      points: [[cx, cy]],
    });
    const removed = await call<{ maskImageId: number; revision: number }>('edit.setStrokes', {
      id: root,
      strokes: [...kept, click('remove-part')],
      baseRevision: before.revision,
    });
    const cut = await maskOf(engine, removed.maskImageId);
    const at = Math.floor(cy) * cut.width + Math.floor(cx);
    expect(cut.data[at]).toBeLessThan(128);
    // At least the click's dot went, at full resolution (how far it grows is part-select.test.ts's).
    const holes = (m: { data: Uint8Array | Buffer }) => m.data.filter((v) => v < 128).length;
    expect(holes(cut) - holes(beforeMask)).toBeGreaterThanOrEqual(Math.PI * 3 * 3);
    const back = await call<{ maskImageId: number; revision: number }>('edit.setStrokes', {
      id: root,
      strokes: [...kept, click('remove-part'), click('add-part')],
      baseRevision: removed.revision,
    });
    expect((await maskOf(engine, back.maskImageId)).data[at]).toBeGreaterThanOrEqual(128);
    const source = await call<{ strokes: Stroke[] }>('edit.source', { id: root });
    expect(source.strokes.slice(kept.length).map((s) => s.mode)).toEqual(['remove-part', 'add-part']);
    expect(modelRuns).toBe(0);
    expect(quotaUsed(engine)).toBe(quota);
    // Back to the brush test's strokes for the tests that follow.
    await call('edit.setStrokes', { id: root, strokes: kept, baseRevision: back.revision });
  }, 60_000);

  it('a change of model settings is a charged run, and re-applies the strokes on the new mask', async () => {
    const quota = quotaUsed(engine);
    modelRuns = 0;
    const out = path.join(work.dir, 'out', 'car-norefine.png');
    const row = await engine.regenerate(root, { refine: false }, out);
    expect(row.status).toBe('done');
    expect(modelRuns).toBe(1);
    expect(quotaUsed(engine)).toBe(quota + 1);
    expect(row.sourceGenerationId).toBe(root);
    const source = engine.editor.source(row.id);
    expect(source.id).toBe(row.id); // a new item, not a version
    expect(source.strokes).toHaveLength(1);
    const mask = await maskOf(engine, source.maskImageId!);
    const [cx, cy] = subjectPoint;
    expect(mask.data[Math.floor(cy) * mask.width + Math.floor(cx)]).toBe(0);
  }, 60_000);

  it('refuses a stale save from a second window, leaving the item as it was', async () => {
    const source = await call<{ revision: number; strokes: Stroke[]; maskImageId: number }>('edit.source', {
      id: root,
    });
    // Window A renders; window B, still at the old revision, then saves strokes.
    await call('edit.render', { id: root, recipe: { background: '#123456' }, baseRevision: source.revision });
    const stale = await callError('edit.setStrokes', {
      id: root,
      strokes: [],
      baseRevision: source.revision,
    });
    expect(stale.code).toBe('CONFLICT');
    expect(stale.hint).toMatch(/reload/);
    const after = await call<{ strokes: Stroke[]; maskImageId: number }>('edit.source', { id: root });
    expect(after.strokes).toEqual(source.strokes);
    expect(after.maskImageId).toBe(source.maskImageId);
    expect(
      (await callError('edit.render', { id: root, recipe: {}, baseRevision: source.revision })).code,
    ).toBe('CONFLICT');
  }, 60_000);

  it('round 3 finding 1: a crafted stroke (100,000 points, size 10,000) is refused before any pixel work, naming it', async () => {
    const before = await call<{ maskImageId: number; revision: number; strokes: Stroke[] }>('edit.source', {
      id: root,
    });
    // Far-apart points under a photo-sized brush: every segment covers the whole photo (minutes of work).
    const points: [number, number][] = Array.from({ length: 100_000 }, (_, i) =>
      i % 2 ? [1300, 0] : [0, 400],
    );
    const crafted: Stroke = { mode: 'erase', edgeAware: false, size: 10_000, hardness: 1, points };
    const small: Stroke = { mode: 'erase', edgeAware: false, size: 20, hardness: 1, points: [[10, 10]] };
    const refused = await dispatch(api, 'edit.setStrokes', { id: root, strokes: [small, crafted] });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('USAGE');
    expect(refused.error.message).toMatch(/^strokes\[1\] takes the brush work past what one save allows/);
    expect(refused.error.hint).toMatch(/smaller brush/);
    // Nothing changed, and the engine answers the next request.
    const after = await call<{ maskImageId: number; revision: number; strokes: Stroke[] }>('edit.source', {
      id: root,
    });
    expect(after).toEqual(before);
    // The contract bounds the points of one save in all, whatever the brush.
    const many = Array.from({ length: 11 }, () => ({ ...small, points: points.slice(0, 100_000) }));
    const tooMany = await dispatch(api, 'edit.setStrokes', { id: root, strokes: many });
    expect(tooMany.ok ? '' : tooMany.error.message).toMatch(/strokes: at most 1000000 points/);
  }, 60_000);

  it('round 3 finding 5: a version records the mask it was rendered from, even when strokes are saved meanwhile', async () => {
    const before = await call<{ maskImageId: number }>('edit.source', { id: root });
    const oldMask = await maskOf(engine, before.maskImageId);
    const { width, height } = oldMask;
    const eraseAll: Stroke = {
      mode: 'erase',
      edgeAware: false,
      size: Math.max(width, height) * 3,
      hardness: 1,
      points: [[width / 2, height / 2]],
    };
    // The render reads its mask first; the strokes land before the render writes its row (held until then:
    // on a busy machine either order happens, this pins the one the review caught).
    const record = engine.store.recordGeneration.bind(engine.store);
    let strokesSaved: Promise<unknown> = Promise.resolve();
    engine.store.recordGeneration = async (...args) => {
      await strokesSaved;
      return record(...args);
    };
    let rendered: { item: { id: number; maskImageId: number | null } };
    try {
      const render = call<{ item: { id: number; maskImageId: number | null } }>('edit.render', {
        id: root,
        recipe: { background: 'transparent', feather: 0 },
      });
      strokesSaved = call('edit.setStrokes', { id: root, strokes: [eraseAll] });
      await strokesSaved;
      rendered = await render;
    } finally {
      engine.store.recordGeneration = record;
    }
    const now = await call<{ maskImageId: number }>('edit.source', { id: root });
    expect(now.maskImageId).not.toBe(before.maskImageId); // the erase-all is the root's mask now
    // The version says it was made from the old mask, and its pixels agree.
    expect(rendered.item.maskImageId).toBe(before.maskImageId);
    const version = (
      await call<{ items: { id: number; maskImageId: number | null }[] }>('history.versions', {
        id: root,
      })
    ).items.find((i) => i.id === rendered.item.id);
    expect(version?.maskImageId).toBe(before.maskImageId);
    const out = await pixelsOf(engine, engine.store.getGeneration(rendered.item.id).outputImageId!);
    const alphaMean = (data: Uint8Array, step: number, offset: number) => {
      let sum = 0;
      for (let i = offset; i < data.length; i += step) sum += data[i]!;
      return sum / (data.length / step);
    };
    expect(alphaMean(out.data, 4, 3)).toBeCloseTo(alphaMean(oldMask.data, 1, 0), 0);
    expect(alphaMean(out.data, 4, 3)).toBeGreaterThan(5);
    await call('edit.setStrokes', { id: root, strokes: [] });
  }, 60_000);

  it('blocks re-rendering and brushing a privacy-mode item with a clear error, changing nothing', async () => {
    engine.store.setPrivacyMode(true);
    let privateId: number;
    try {
      privateId = await cutOut(engine, 'private.png');
    } finally {
      engine.store.setPrivacyMode(false);
    }
    const item = await call<{ canRerender: boolean; rerenderBlockedReason: string }>('history.get', {
      id: privateId,
    });
    expect(item.canRerender).toBe(false);
    expect(item.rerenderBlockedReason).toMatch(/privacy mode/);
    const count = engine.store.count();
    const render = await callError('edit.render', { id: privateId, recipe: { background: 'white' } });
    expect(render.code).toBe('ORIGINAL_UNAVAILABLE');
    expect(render.hint).toBeTruthy();
    const brush = await callError('edit.setStrokes', {
      id: privateId,
      strokes: [{ mode: 'erase', edgeAware: false, size: 10, hardness: 1, points: [[5, 5]] }],
    });
    expect(brush.code).toBe('ORIGINAL_UNAVAILABLE');
    expect(engine.store.count()).toBe(count);

    // Apply to many: the private item fails alone, the others are re-rendered.
    const many = await call<{ items: { versionOf: number }[]; failed: { id: number; code: string }[] }>(
      'edit.applyToMany',
      { ids: [root, privateId], recipe: { shadow: 'soft' } },
    );
    expect(many.items.map((i) => i.versionOf)).toEqual([root]);
    expect(many.failed).toEqual([expect.objectContaining({ id: privateId, code: 'ORIGINAL_UNAVAILABLE' })]);
  }, 60_000);

  it('deleting the root deletes its versions and masks', async () => {
    const family = engine.editor.records.family(root).map((r) => r.id);
    const source = engine.editor.source(root);
    await call('history.delete', { id: root });
    for (const id of family) expect(() => engine.store.getGeneration(id)).toThrow(/No history item/);
    expect(() => engine.store.image(source.maskImageId!)).toThrow(/No image/);
  }, 60_000);
});

describe('an item from before masks were stored', () => {
  it('has no stored mask; its first re-render computes the mask once, charged once', async () => {
    // Recorded without a mask, as every cut-out was before the editor's migration (which adds the
    // mask tables around such rows; the migrations test upgrades each older schema with its data).
    // Not written through an older schema: today's record code also fills tables added since.
    const dir = path.join(work.dir, 'old-profile');
    const old = Store.open(openProfile(dir), { sweep: false });
    const bytes = await sharp(photo).toBuffer();
    const item = await old.recordGeneration({
      operation: 'cutout',
      params: { model: 'u2netp', format: 'png', edges: 'soft', refine: true },
      model: 'u2netp',
      provider: 'cpu',
      status: 'done',
      inputName: 'car.jpg',
      input: { bytes },
      output: { bytes },
    });
    old.close();

    const e = await Engine.open({ profileDir: dir, provider: 'cpu' });
    try {
      countModelRuns(e);
      expect(e.editor.source(item.id).maskImageId).toBeNull();
      const quota = quotaUsed(e);
      modelRuns = 0;
      const first = await e.editor.render(item.id, { background: 'white' });
      expect(first.charged).toBe(true);
      expect(modelRuns).toBe(1);
      expect(quotaUsed(e)).toBe(quota + 1);
      expect(e.editor.source(item.id).maskImageId).not.toBeNull();
      const second = await e.editor.render(item.id, { background: 'black' });
      expect(second.charged).toBe(false);
      expect(modelRuns).toBe(1);
      expect(quotaUsed(e)).toBe(quota + 1);
      expect(e.editor.records.family(item.id).map((r) => r.id)).toEqual([
        item.id,
        first.row.id,
        second.row.id,
      ]);
    } finally {
      await e.close();
    }
  }, 90_000);
});
