/**
 * Getting results out, through the real handler table and `atelier serve` on 127.0.0.1: Save to the
 * output folder (never overwriting), Save as to a chosen path, a vanished or read-only folder (clear
 * error, the item kept), downloads in a browser, zip export of chosen items, images at display size,
 * reveal limited to files Atelier wrote, and the batch estimate.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Engine } from '../../engine';
import { dispatch, createHandlers, type HandlerTable } from '../handlers';
import { startServe, type Serving } from '../../serve';
import type { Host } from '../../host';
import { tempDir } from '../../testing/fixtures';
import { estimateBatch } from '../estimate';
import type { AccountStatus } from '../contract';

describe('files out: save, save as, downloads, export, display size', () => {
  const { dir, cleanup } = tempDir('atelier-files-');
  const revealed: string[] = [];
  let dialogAnswer: string | null = null;
  const host: Host = {
    kind: 'electron',
    openExternal: async () => {},
    setProgress: () => {},
    notify: () => {},
    revealInFolder: (file) => revealed.push(file),
    saveFileDialog: async () => dialogAnswer,
    pickFolder: async () => dialogAnswer,
  };
  let engine: Engine;
  let table: HandlerTable;
  let serveEngine: Engine;
  let serving: Serving;
  let itemId: number;
  let otherId: number;
  let outputImageId: number;
  const outDir = path.join(dir, 'out');
  const call = async (method: string, params: unknown) => {
    const answer = await dispatch(table, method, params);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.result as Record<string, unknown>;
  };

  const record = async (e: Engine, name: string, colour: { r: number; g: number; b: number }) => {
    const output = await sharp({
      create: { width: 1200, height: 800, channels: 4, background: { ...colour, alpha: 1 } },
    })
      .png()
      .toBuffer();
    return e.store.recordGeneration({
      operation: 'cutout',
      params: { format: 'png' },
      status: 'done',
      inputName: name,
      output: { bytes: output },
    });
  };

  beforeAll(async () => {
    process.env.ATELIER_OUTPUT_DIR = outDir;
    engine = await Engine.open({
      profileDir: path.join(dir, 'profile'),
      provider: 'cpu',
      billing: 'none',
      host,
    });
    table = createHandlers({ engine, version: 'test', emit: () => {} });
    const row = await record(engine, 'red.jpg', { r: 255, g: 0, b: 0 });
    itemId = row.id;
    outputImageId = row.outputImageId!;
    otherId = (await record(engine, 'blue.jpg', { r: 0, g: 0, b: 255 })).id;

    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    serveEngine = await Engine.open({
      profileDir: path.join(dir, 'serve-profile'),
      provider: 'cpu',
      billing: 'none',
    });
    await record(serveEngine, 'green.jpg', { r: 0, g: 255, b: 0 });
    serving = await startServe({ engine: serveEngine, rendererDir: renderer, version: 'test' });
  });
  afterAll(async () => {
    await serving?.close();
    await serveEngine?.close();
    await engine?.close();
    cleanup();
  });

  it('Save writes to the output folder and never overwrites; reveal shows only what it wrote', async () => {
    const first = await call('files.saveAs', { generationId: itemId, suggestedName: 'red.jpg' });
    const second = await call('files.saveAs', { generationId: itemId, suggestedName: 'red.jpg' });
    expect(first.saved).toBe(path.join(outDir, 'red.png'));
    expect(second.saved).toBe(path.join(outDir, 'red (2).png'));
    expect(readFileSync(first.saved as string)).toEqual(engine.store.image(outputImageId).bytes);
    await call('files.reveal', { path: first.saved });
    expect(revealed).toEqual([first.saved]);
    await expect(call('files.reveal', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('Save as uses the dialog; a cancelled dialog writes nothing', async () => {
    dialogAnswer = path.join(dir, 'chosen', 'my cut.png');
    mkdirSync(path.dirname(dialogAnswer));
    const saved = await call('files.saveAs', { generationId: itemId, suggestedName: 'x', to: 'dialog' });
    expect(saved.saved).toBe(dialogAnswer);
    expect(existsSync(dialogAnswer)).toBe(true);
    dialogAnswer = null;
    expect(await call('files.saveAs', { generationId: itemId, suggestedName: 'x', to: 'dialog' })).toEqual({
      cancelled: true,
    });
    expect(await call('files.pickFolder', {})).toEqual({ path: null });
  });

  it('round 3 finding 3: files.saveAs and history.exportItems never replace a file unless asked', async () => {
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'the user’s notes');
    await expect(
      call('files.saveAs', { imageId: outputImageId, suggestedName: 'x.png', path: victim }),
    ).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringContaining(victim) });
    expect(readFileSync(victim, 'utf8')).toBe('the user’s notes');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // Asked: by the caller's flag, or by the native save dialog (it asks before returning a path).
    await call('files.saveAs', {
      imageId: outputImageId,
      suggestedName: 'x.png',
      path: victim,
      overwrite: true,
    });
    expect(readFileSync(victim)).toEqual(engine.store.image(outputImageId).bytes);
    const chosen = path.join(dir, 'chosen-by-dialog.png');
    writeFileSync(chosen, 'old');
    dialogAnswer = chosen;
    expect(await call('files.saveAs', { imageId: outputImageId, suggestedName: 'x', to: 'dialog' })).toEqual({
      saved: chosen,
    });
    dialogAnswer = null;
    expect(readFileSync(chosen)).toEqual(engine.store.image(outputImageId).bytes);
    // The zip export of chosen items: the same rule.
    const zip = path.join(dir, 'keep.zip');
    writeFileSync(zip, 'not ours');
    await expect(call('history.exportItems', { ids: [itemId], path: zip })).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
    });
    expect(readFileSync(zip, 'utf8')).toBe('not ours');
    await call('history.exportItems', { ids: [itemId], path: zip, overwrite: true });
    expect(readFileSync(zip).subarray(0, 2).toString()).toBe('PK');
  });

  it('a vanished or read-only folder is a clear error and the item stays', async () => {
    const gone = path.join(dir, 'gone', 'a.png');
    await expect(
      call('files.saveAs', { generationId: itemId, suggestedName: 'a', path: gone }),
    ).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: expect.stringContaining('no longer exists'),
    });
    const locked = path.join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    let target = path.join(locked, 'a.png');
    if (process.getuid?.() === 0) {
      // Permission bits do not stop root: make the target unwritable another way (a folder in its place).
      console.warn(
        'running as root: a read-only folder cannot stop root; using a folder in the way of the file',
      );
      target = path.join(locked, 'in-the-way.png');
      mkdirSync(target);
    }
    try {
      await expect(
        call('files.saveAs', { generationId: itemId, suggestedName: 'a', path: target }),
      ).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', hint: expect.stringContaining('history') });
    } finally {
      chmodSync(locked, 0o700);
    }
    expect(engine.store.getGeneration(itemId).outputImageId).toBe(outputImageId);
  });

  it('exports chosen items only, to a path', async () => {
    const file = path.join(dir, 'chosen.zip');
    const result = await call('history.exportItems', { ids: [otherId], path: file });
    expect(result).toEqual({ file, items: 1 });
    const zip = unzipSync(readFileSync(file));
    const json = JSON.parse(new TextDecoder().decode(zip['history.json'])) as {
      generations: { id: number }[];
    };
    expect(json.generations.map((g) => g.id)).toEqual([otherId]);
    const byQuery = await call('history.exportItems', {
      query: { text: 'red' },
      path: path.join(dir, 'q.zip'),
    });
    expect(byQuery.items).toBe(1);
  });

  it('in a browser (serve) Save and export answer download URLs served with the token', async () => {
    const origin = serving.url.replace(/\/$/, '');
    const auth = { Authorization: `Bearer ${serving.token}` };
    const row = serveEngine.store.history({}).items[0]!;
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api`, { headers: { ...auth, Origin: origin } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const wsCall = (method: string, params: unknown) =>
      new Promise<{ result?: Record<string, string> }>((resolve) => {
        ws.once('message', (data) =>
          resolve(JSON.parse(String(data)) as { result?: Record<string, string> }),
        );
        ws.send(JSON.stringify({ id: 1, method, params }));
      });
    const saved = await wsCall('files.saveAs', { generationId: row.id, suggestedName: 'green.jpg' });
    const url = saved.result?.download ?? '';
    expect(url).toMatch(/^\/download\/[0-9a-f-]{36}\/green\.png$/);
    expect((await fetch(`${origin}${url}`)).status).toBe(401);
    const got = await fetch(`${origin}${url}`, { headers: auth });
    expect(got.headers.get('content-disposition')).toContain('filename="green.png"');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(serveEngine.store.image(row.outputImageId!).bytes);

    const exported = await wsCall('history.exportItems', {});
    const zipUrl = exported.result?.download ?? '';
    const zip = await fetch(`${origin}${zipUrl}`, { headers: auth });
    const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(entries)).toContain('history.json');
    // An export is sent once, then its temporary file is gone.
    expect((await fetch(`${origin}${zipUrl}`, { headers: auth })).status).toBe(404);
    ws.close();

    const full = await fetch(`${origin}/image/${row.outputImageId}`, { headers: auth });
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).width).toBe(1200);
    const small = await fetch(`${origin}/image/${row.outputImageId}?max=300`, { headers: auth });
    const meta = await sharp(Buffer.from(await small.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([300, 200, 'png']);
    expect((await fetch(`${origin}/image/${row.outputImageId}?max=abc`, { headers: auth })).status).toBe(400);
  });

  it('estimates a batch: free generations when anonymous, tokens when signed in', () => {
    const base: AccountStatus = {
      kind: 'anonymous',
      email: null,
      serverUrl: null,
      balance: null,
      validUntil: null,
      pendingDebits: 0,
      quota: { used: 8, limit: 10 },
      prices: { cutout: 1, stylize: 2 },
      priceTable: [],
      blockedReason: null,
    };
    expect(estimateBatch(base, 'cutout', 3)).toEqual({
      tokens: 3,
      freeLeft: 2,
      balance: null,
      enough: false,
    });
    const signedIn = { ...base, kind: 'signed_in' as const, quota: null, balance: 5 };
    expect(estimateBatch(signedIn, 'stylize', 2)).toEqual({
      tokens: 4,
      freeLeft: null,
      balance: 5,
      enough: true,
    });
    expect(estimateBatch(signedIn, 'stylize', 3).enough).toBe(false);
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
});
