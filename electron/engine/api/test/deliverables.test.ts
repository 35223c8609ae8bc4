/**
 * "Export results" (files.exportResults) through the real handler table: the finished files named
 * after their photos (not the data export's images/31.png and history.json), the latest version of
 * each item, clashing names told apart, a filter's items, a folder that never has a file replaced, a
 * vanished or unwritable destination (clear error, no partial ZIP left), and a browser download whose
 * temporary folder goes once it is sent.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { dispatch, createHandlers, type HandlerTable } from '../handlers';
import type { Host } from '../../host';
import { tempDir } from '../../testing/fixtures';
import { FilesFacade } from '../files-facade';

describe('files.exportResults: deliverables named after their photos', () => {
  const { dir, cleanup } = tempDir('atelier-deliver-');
  let dialogAnswer: string | null = null;
  let hostKind: Host['kind'] = 'electron';
  const host: Host = {
    get kind() {
      return hostKind;
    },
    openExternal: async () => {},
    setProgress: () => {},
    notify: () => {},
    revealInFolder: () => {},
    saveFileDialog: async () => dialogAnswer,
    pickFolder: async () => dialogAnswer,
  };
  let engine: Engine;
  let files: FilesFacade;
  let table: HandlerTable;
  const ids: Record<string, number> = {};
  const call = async (method: string, params: unknown) => {
    const answer = await dispatch(table, method, params);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.result as {
      written: string;
      path: string | null;
      download: string | null;
      names: string[];
      skipped: { id: number; name: string; reason: string }[];
    };
  };
  const png = (r: number, g: number, b: number) =>
    sharp({ create: { width: 40, height: 30, channels: 4, background: { r, g, b, alpha: 1 } } })
      .png()
      .toBuffer();
  const zipNames = (file: string) => Object.keys(unzipSync(readFileSync(file))).sort();

  beforeAll(async () => {
    engine = await Engine.open({
      profileDir: path.join(dir, 'profile'),
      provider: 'cpu',
      billing: 'none',
      host,
    });
    files = new FilesFacade(engine, () => path.join(dir, 'out'));
    table = createHandlers({ engine, version: 'test', emit: () => {}, files });
    const record = async (key: string, name: string, colour: [number, number, number], batchId?: string) => {
      const row = await engine.store.recordGeneration({
        operation: 'cutout',
        params: { format: 'png' },
        status: 'done',
        inputName: name,
        batchId: batchId ?? null,
        input: { bytes: await png(...colour) },
        output: { bytes: await png(...colour) },
      });
      ids[key] = row.id;
    };
    await record('lamp', 'lamp.jpg', [255, 0, 0], 'b1');
    // Two photos called IMG_0001.jpg from two folders: both delivered, told apart.
    await record('img1', 'IMG_0001.jpg', [0, 255, 0], 'b1');
    await record('img1b', 'IMG_0001.jpg', [0, 0, 255], 'b1');
    await record('chair', 'chair.jpeg', [9, 9, 9], 'b2');
    const failed = await engine.store.recordGeneration({
      operation: 'cutout',
      params: { format: 'png' },
      status: 'failed',
      error: 'truncated JPEG',
      inputName: 'broken.jpg',
    });
    ids.broken = failed.id;
    // A re-render version of the lamp (yellow): the deliverable is the latest version, not the first.
    await engine.store.recordGeneration({
      operation: 'cutout',
      params: { format: 'png', background: 'yellow' },
      status: 'done',
      inputName: 'lamp.jpg',
      input: { bytes: await png(255, 0, 0) },
      output: { bytes: await png(255, 255, 0) },
      edit: { versionOf: ids.lamp! },
    });
  });
  afterAll(async () => {
    await engine?.close();
    cleanup();
  });

  it('a ZIP of chosen items holds one image per photo, named after it, latest version', async () => {
    const file = path.join(dir, 'chosen.zip');
    const result = await call('files.exportResults', {
      ids: [ids.lamp, ids.img1, ids.img1b, ids.broken],
      to: 'zip',
      path: file,
    });
    expect(result.written).toBe('zip');
    expect(result.names).toEqual(['lamp.png', 'IMG_0001.png', 'IMG_0001-1.png']);
    expect(zipNames(file)).toEqual(['IMG_0001-1.png', 'IMG_0001.png', 'lamp.png']);
    // Not the data export: no history.json, no images/<id>.png, no originals.
    expect(zipNames(file).some((n) => n.includes('/') || n.endsWith('.json'))).toBe(false);
    expect(result.skipped).toEqual([
      { id: ids.broken, name: 'broken.jpg', reason: 'it failed, so there is no result' },
    ]);
    const entries = unzipSync(readFileSync(file));
    const lamp = await sharp(Buffer.from(entries['lamp.png']!)).raw().toBuffer();
    expect([...lamp.subarray(0, 3)]).toEqual([255, 255, 0]);
    const second = await sharp(Buffer.from(entries['IMG_0001-1.png']!)).raw().toBuffer();
    expect([...second.subarray(0, 3)]).toEqual([0, 0, 255]);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('a filter exports what it shows; the naming setting names the files', async () => {
    await call('settings.set' as never, { naming: '{name}-cut.{ext}' });
    try {
      const file = path.join(dir, 'filtered.zip');
      const result = await call('files.exportResults', { query: { text: 'chair' }, path: file });
      expect(result.names).toEqual(['chair-cut.png']);
      expect(zipNames(file)).toEqual(['chair-cut.png']);
    } finally {
      await call('settings.set' as never, { naming: '{name}.{ext}' });
    }
  });

  it('into a folder: the files side by side, an existing file is never replaced', async () => {
    const folder = path.join(dir, 'client');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'lamp.png'), 'the designer’s own file');
    const result = await call('files.exportResults', {
      ids: [ids.lamp, ids.chair],
      to: 'folder',
      path: folder,
    });
    expect(result.written).toBe('folder');
    expect(readdirSync(folder).sort()).toEqual(['chair.png', 'lamp-1.png', 'lamp.png']);
    expect(readFileSync(path.join(folder, 'lamp.png'), 'utf8')).toBe('the designer’s own file');
    expect((await sharp(path.join(folder, 'lamp-1.png')).metadata()).format).toBe('png');
  });

  it('the folder picker or the save dialog closed: nothing written, said so', async () => {
    dialogAnswer = null;
    expect((await call('files.exportResults', { ids: [ids.lamp], to: 'folder' })).written).toBe('none');
    expect((await call('files.exportResults', { ids: [ids.lamp], to: 'zip' })).written).toBe('none');
    const picked = path.join(dir, 'picked');
    mkdirSync(picked);
    dialogAnswer = picked;
    expect((await call('files.exportResults', { ids: [ids.lamp], to: 'folder' })).names).toEqual([
      'lamp.png',
    ]);
    dialogAnswer = null;
  });

  it('a vanished folder or an unwritable one: a clear error, no partial ZIP, the items kept', async () => {
    const gone = path.join(dir, 'gone', 'x.zip');
    await expect(call('files.exportResults', { ids: [ids.lamp], path: gone })).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: expect.stringContaining('no longer exists'),
    });
    await expect(
      call('files.exportResults', { ids: [ids.lamp], to: 'folder', path: path.join(dir, 'gone') }),
    ).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', hint: expect.stringContaining('History') });
    const locked = path.join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    let zip = path.join(locked, 'x.zip');
    if (process.getuid?.() === 0) {
      // Permission bits do not stop root: a folder where the partial file would go does.
      console.warn(
        'running as root: a read-only folder cannot stop root; a folder in the way of the ZIP instead',
      );
      zip = path.join(locked, 'in-the-way.zip');
      mkdirSync(`${zip}.partial`);
    }
    try {
      await expect(call('files.exportResults', { ids: [ids.lamp], path: zip })).rejects.toMatchObject({
        code: 'OUTPUT_NOT_WRITABLE',
      });
      expect(existsSync(zip)).toBe(false);
    } finally {
      chmodSync(locked, 0o700);
    }
    expect(engine.store.getGeneration(ids.lamp!).outputImageId).not.toBeNull();
  });

  it('nothing to deliver: a plain error naming why', async () => {
    await expect(
      call('files.exportResults', { ids: [ids.broken], path: path.join(dir, 'n.zip') }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      hint: 'broken.jpg: it failed, so there is no result',
    });
    expect(existsSync(path.join(dir, 'n.zip'))).toBe(false);
  });

  it('in a browser the ZIP is a download; its temporary folder goes once sent', async () => {
    hostKind = 'serve';
    try {
      const result = await call('files.exportResults', { ids: [ids.lamp, ids.chair] });
      expect(result.written).toBe('download');
      const id = /^\/download\/([0-9a-f-]{36})\//.exec(result.download ?? '')?.[1];
      const download = files.take(id!);
      expect(download?.kind).toBe('file');
      if (download?.kind !== 'file') return;
      expect(zipNames(download.file)).toEqual(['chair.png', 'lamp.png']);
      FilesFacade.discard(download);
      expect(existsSync(path.dirname(download.file))).toBe(false);
      await expect(call('files.exportResults', { ids: [ids.lamp], to: 'folder' })).rejects.toMatchObject({
        code: 'USAGE',
      });
    } finally {
      hostKind = 'electron';
    }
  });
});
