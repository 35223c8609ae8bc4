/**
 * The Models page's API over the real `atelier serve` WebSocket: a studio mirror on 127.0.0.1
 * (ATELIER_MODELS_MIRROR) serves generated matte models; an install reports progress events and ends
 * installed, the model then cuts out a real photo and its speed here is measured; cancel leaves
 * nothing behind; a 404 and a wrong hash end in a failure event with a clear message.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { startServe, type Serving } from '../../serve';
import { fixturePhoto, tempDir } from '../../testing/fixtures';
import {
  mirrorEntry,
  paddedMatteModel,
  startModelMirror,
  type ModelMirror,
} from '../../testing/model-mirror';
import type { ModelInfo, ModelProgressEvent } from '../contract';

type Answer = { result?: unknown; error?: { code: string; message: string; hint?: string } };

/** The renderer's view of the API: calls, and every event pushed so far. */
class Client {
  private next = 1;
  private readonly pending = new Map<number, (m: Answer) => void>();
  readonly progress: ModelProgressEvent[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { id?: number; event?: string; payload?: unknown };
      if (m.event === 'models.progress') this.progress.push(m.payload as ModelProgressEvent);
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m as Answer);
    });
  }
  call(method: string, params: unknown = {}): Promise<Answer> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  async models(): Promise<ModelInfo[]> {
    return ((await this.call('models.list')).result as { models: ModelInfo[] }).models;
  }
  async final(id: string): Promise<ModelProgressEvent> {
    const done = (e: ModelProgressEvent) => e.id === id && !['downloading', 'verifying'].includes(e.state);
    await expect.poll(() => this.progress.some(done), { timeout: 30_000 }).toBe(true);
    return this.progress.find(done)!;
  }
}

function connect(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('models.* over atelier serve, installing from a mirror on 127.0.0.1', () => {
  const { dir, cleanup } = tempDir('atelier-models-api-');
  const weights = paddedMatteModel(1024 * 1024);
  const other = paddedMatteModel(300 * 1024);
  let mirror: ModelMirror;
  let engine: Engine;
  let serving: Serving;
  let client: Client;
  const savedMirror = process.env.ATELIER_MODELS_MIRROR;

  beforeAll(async () => {
    const modelsDir = path.join(dir, 'app-models');
    mkdirSync(modelsDir);
    const models = [
      mirrorEntry('tiny', weights),
      mirrorEntry('slow', weights),
      mirrorEntry('missing', weights),
      // The mirror serves `other` under this name: the right size is checked by the manifest's bytes.
      mirrorEntry('wrong-hash', other, { sha256: mirrorEntry('x', weights).sha256 }),
      mirrorEntry('dev-only', weights, { commercialUse: false, license: 'research only' }),
    ];
    writeFileSync(path.join(modelsDir, 'manifest.json'), JSON.stringify({ version: 1, models }));
    mirror = await startModelMirror({
      'tiny.onnx': { body: weights },
      'slow.onnx': { body: weights, stallAfter: 128 * 1024 },
      'wrong-hash.onnx': { body: other },
    });
    process.env.ATELIER_MODELS_MIRROR = mirror.url;
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Atelier</title>');
    engine = await Engine.open({
      profileDir: path.join(dir, 'profile'),
      modelsDir,
      provider: 'cpu',
      billing: 'none',
    });
    serving = await startServe({ engine, rendererDir: renderer, version: 'test' });
    const origin = serving.url.replace(/\/$/, '');
    client = new Client(
      await connect(`${origin.replace('http', 'ws')}/api`, {
        Origin: origin,
        Authorization: `Bearer ${serving.token}`,
      }),
    );
  });
  afterAll(async () => {
    if (savedMirror === undefined) delete process.env.ATELIER_MODELS_MIRROR;
    else process.env.ATELIER_MODELS_MIRROR = savedMirror;
    client?.ws.close();
    await serving?.close();
    await engine?.close();
    await mirror?.close();
    cleanup();
  });

  /** What the profile's models folder holds for a model (the file, a partial, a lock). */
  const leftFor = (id: string) => {
    const folder = engine.paths.customModels;
    return existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith(`${id}.`)) : [];
  };

  it('lists each model with size, licence, summary and no speed yet; development-only ones on request', async () => {
    const models = await client.models();
    const tiny = models.find((m) => m.id === 'tiny');
    expect(tiny).toMatchObject({
      bytes: weights.length,
      license: 'MIT',
      installed: false,
      installing: false,
      removable: false,
      speed: null,
      summary: expect.stringContaining('stand-in') as unknown,
    });
    expect(models.map((m) => m.id)).not.toContain('dev-only');
    await client.call('settings.set', { developerModels: true });
    expect((await client.models()).find((m) => m.id === 'dev-only')?.commercialUse).toBe(false);
    await client.call('settings.set', { developerModels: false });
  });

  it('installs with progress events, then the model cuts out a photo and its speed is shown', async () => {
    expect((await client.call('models.install', { id: 'tiny' })).result).toEqual({ ok: true });
    const final = await client.final('tiny');
    expect(final).toMatchObject({ state: 'installed', received: weights.length, total: weights.length });
    const events = client.progress.filter((e) => e.id === 'tiny');
    const downloading = events.filter((e) => e.state === 'downloading');
    // 16 chunks of 64 KiB, 20 ms apart, reported at most every 150 ms: a few steps, rising.
    expect(downloading.length).toBeGreaterThanOrEqual(2);
    const received = downloading.map((e) => e.received);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(events.map((e) => e.state).slice(-2)).toEqual(['verifying', 'installed']);
    expect(leftFor('tiny')).toEqual(['tiny.onnx']);
    expect((await client.models()).find((m) => m.id === 'tiny')).toMatchObject({
      installed: true,
      installing: false,
      removable: true,
    });

    // The installed model is usable by the cut-out (its `model` param), and that run is measured.
    const photo = path.join(dir, 'car.jpg');
    await sharp(fixturePhoto('car-1')).resize(320).jpeg().toFile(photo);
    mkdirSync(path.join(dir, 'out')); // the API creates only the Settings output folder
    const started = await client.call('batch.start', {
      operation: 'cutout',
      params: { model: 'tiny' },
      inputs: [photo],
      outputDir: path.join(dir, 'out'),
    });
    expect(started.error).toBeUndefined();
    await expect
      .poll(async () => (await client.models()).find((m) => m.id === 'tiny')?.speed, {
        timeout: 60_000,
      })
      .toMatchObject({ provider: 'cpu', runs: 1 });
    const speed = (await client.models()).find((m) => m.id === 'tiny')!.speed!;
    expect(speed.ms).toBeGreaterThan(0);

    expect((await client.call('models.remove', { id: 'tiny' })).result).toEqual({ removed: true });
    expect((await client.models()).find((m) => m.id === 'tiny')?.installed).toBe(false);
    expect(leftFor('tiny')).toEqual([]);
  });

  it('cancel stops a running install and leaves nothing behind; a second install at once is refused', async () => {
    await client.call('models.install', { id: 'slow' });
    await expect
      .poll(() => client.progress.some((e) => e.id === 'slow' && e.received > 0), { timeout: 10_000 })
      .toBe(true);
    expect((await client.models()).find((m) => m.id === 'slow')).toMatchObject({
      installing: true,
      progress: { total: weights.length },
    });
    const twice = await client.call('models.install', { id: 'slow' });
    expect(twice.error?.code).toBe('USAGE');
    expect(twice.error?.message).toMatch(/already being installed/);
    expect((await client.call('models.remove', { id: 'slow' })).error?.hint).toMatch(/cancel/);

    expect((await client.call('models.cancel', { id: 'slow' })).result).toEqual({
      ok: true,
      cancelled: true,
    });
    expect((await client.final('slow')).state).toBe('cancelled');
    expect(leftFor('slow')).toEqual([]);
    expect((await client.models()).find((m) => m.id === 'slow')).toMatchObject({
      installed: false,
      installing: false,
    });
    expect((await client.call('models.cancel', { id: 'slow' })).result).toEqual({
      ok: true,
      cancelled: false,
    });
  });

  it('a file the mirror does not have: a failure event naming the model and the URL, in plain words', async () => {
    await client.call('models.install', { id: 'missing' });
    const final = await client.final('missing');
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('NETWORK');
    expect(final.error?.message).toContain('"missing"');
    expect(final.error?.message).toContain(`${mirror.url}missing.onnx`);
    expect(final.error?.message).toContain('HTTP 404');
    expect(final.error?.hint).toBeTruthy();
    expect(final.error?.hint).not.toMatch(/--mirror|`atelier/);
    expect(leftFor('missing')).toEqual([]);
  });

  it('a file with the wrong hash: failed, nothing installed', async () => {
    // The right size is what the manifest pins for `other`: only the digest can tell them apart.
    await client.call('models.install', { id: 'wrong-hash' });
    const final = await client.final('wrong-hash');
    expect(final).toMatchObject({ state: 'failed', error: { code: 'MODEL_CORRUPT' } });
    expect(final.error?.message).toMatch(/"wrong-hash".*sha256|sha256.*"wrong-hash"/);
    expect(leftFor('wrong-hash')).toEqual([]);
  });

  it('without a mirror, a model with no download address says so without command-line hints', async () => {
    delete process.env.ATELIER_MODELS_MIRROR;
    try {
      const answer = await client.call('models.install', { id: 'tiny' });
      expect(answer.error?.code).toBe('NOT_FOUND');
      expect(answer.error?.message).toContain('"tiny"');
      expect(answer.error?.hint).toMatch(/mirror/);
      expect(answer.error?.hint).not.toMatch(/--mirror|ATELIER_MODELS_MIRROR/);
    } finally {
      process.env.ATELIER_MODELS_MIRROR = mirror.url;
    }
    expect((await client.call('models.install', { id: 'no-such-model' })).error?.code).toBe('NOT_FOUND');
  });
});
