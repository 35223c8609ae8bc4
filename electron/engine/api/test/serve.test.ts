import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { startServe, type Serving } from '../../serve';
import { fixturePhoto, tempDir } from '../../testing/fixtures';

/** A small API client over the real WebSocket, as the renderer uses it. */
class Client {
  private next = 1;
  private readonly pending = new Map<
    number,
    (m: { result?: unknown; error?: { code: string; message: string } }) => void
  >();
  readonly events: { event: string; payload: Record<string, unknown> }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as {
        id?: number;
        event?: string;
        payload?: Record<string, unknown>;
      };
      if (m.event) this.events.push({ event: m.event, payload: m.payload ?? {} });
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m as never);
    });
  }
  call(method: string, params: unknown = {}) {
    const id = this.next++;
    return new Promise<{ result?: unknown; error?: { code: string; message: string } }>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}

function connect(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('atelier serve: loopback HTTP + WebSocket API', () => {
  const { dir, cleanup } = tempDir('atelier-serve-');
  let engine: Engine;
  let serving: Serving;
  let origin: string;
  let client: Client;

  beforeAll(async () => {
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Atelier</title>');
    process.env.ATELIER_OUTPUT_DIR = path.join(dir, 'out');
    engine = await Engine.open({ profileDir: path.join(dir, 'profile'), provider: 'cpu', billing: 'none' });
    serving = await startServe({ engine, rendererDir: renderer, version: 'test' });
    origin = serving.url.replace(/\/$/, '');
    client = new Client(
      await connect(`${origin.replace('http', 'ws')}/api`, {
        Origin: origin,
        Cookie: `atelier_token=${serving.token}`,
      }),
    );
  });
  afterAll(async () => {
    client?.ws.close();
    await serving?.close();
    await engine?.close();
    cleanup();
  });

  it('sets the token cookie from the one-time URL and strips the token', async () => {
    const res = await fetch(serving.openUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(/atelier_token=.*HttpOnly; SameSite=Strict/);
    const page = await fetch(serving.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses the API without the token, from another Origin, or with a foreign Host', async () => {
    const ws = `${origin.replace('http', 'ws')}/api`;
    await expect(connect(ws, { Origin: origin })).rejects.toThrow('403');
    await expect(
      connect(ws, { Origin: 'http://evil.example', Cookie: `atelier_token=${serving.token}` }),
    ).rejects.toThrow('403');
    const wrongToken = await fetch(`${serving.url}?token=nope`, { redirect: 'manual' });
    expect(wrongToken.status).toBe(401);
    const rebinding = await fetch(`${origin}/image/1`, { headers: { Host: 'attacker.example' } }).catch(
      () => undefined,
    );
    // undici refuses to override Host; when it does send it, the server must answer 421.
    if (rebinding) expect([401, 421]).toContain(rebinding.status);
    const upload = await fetch(`${origin}/upload?name=a.png`, { method: 'POST', body: 'x' });
    expect(upload.status).toBe(403);
  });

  it('validates methods and params against the contract', async () => {
    expect((await client.call('no.such')).error?.message).toContain('Unknown API method');
    const bad = await client.call('history.get', { id: 'seven' });
    expect(bad.error?.code).toBe('USAGE');
    expect(bad.error?.message).toContain('history.get: id');
    const missing = await client.call('history.get', { id: 999 });
    expect(missing.error?.code).toBe('NOT_FOUND');
  });

  it('reports providers with reasons and the installed models', async () => {
    const info = (await client.call('system.info')).result as {
      providers: { provider: string; available: boolean; reason?: string }[];
      models: { id: string; installed: boolean }[];
    };
    expect(info.providers.find((p) => p.provider === 'cpu')?.available).toBe(true);
    const cuda = info.providers.find((p) => p.provider === 'cuda');
    if (cuda && !cuda.available) expect(cuda.reason).toBeTruthy();
    expect(info.models.find((m) => m.id === 'u2netp')?.installed).toBe(true);
  });

  it('runs an uploaded photo and a bad file as one batch, with events, history and image routes', async () => {
    const photo = await sharp(fixturePhoto('car-1')).resize(320).jpeg().toBuffer();
    const headers = { Cookie: `atelier_token=${serving.token}`, Origin: origin };
    const good = (await (
      await fetch(`${origin}/upload?name=car.jpg`, { method: 'POST', body: photo, headers })
    ).json()) as { path: string };
    const bad = (await (
      await fetch(`${origin}/upload?name=bad.png`, { method: 'POST', body: 'not an image', headers })
    ).json()) as { path: string };
    expect(good.path.startsWith(engine.paths.root)).toBe(true);

    const started = await client.call('batch.start', {
      operation: 'cutout',
      params: {},
      inputs: [good.path, bad.path],
    });
    expect(started.error).toBeUndefined();
    const { batchId } = started.result as { batchId: string };
    await expect
      .poll(
        () =>
          client.events.some(
            (e) => e.event === 'batch.progress' && e.payload.batchId === batchId && e.payload.finished,
          ),
        { timeout: 60_000 },
      )
      .toBe(true);

    const finished = client.events.filter((e) => e.event === 'batch.item' && e.payload.stage === 'finished');
    const failed = finished.find((e) => e.payload.status === 'failed');
    expect(failed?.payload.input).toBe(bad.path);
    expect(String((failed?.payload.error as { message: string }).message)).toContain('bad.png');
    const done = finished.find((e) => e.payload.status === 'done');
    expect(done?.payload.provider).toBe('cpu');
    expect(typeof done?.payload.generationId).toBe('number');

    const page = (await client.call('history.list', {})).result as {
      items: { id: number; outputImageId: number }[];
      total: number;
    };
    expect(page.total).toBe(1);
    const image = await fetch(`${origin}/image/${page.items[0]!.outputImageId}`, { headers });
    expect(image.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(meta.channels).toBe(4);
    const thumb = await fetch(`${origin}/thumb/${page.items[0]!.outputImageId}`, { headers });
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await fetch(`${origin}/image/${page.items[0]!.outputImageId}`)).status).toBe(401);
  });

  it('regenerates an item with new params, linked to its source, then deletes it', async () => {
    const before = (await client.call('history.list', {})).result as { items: { id: number }[] };
    const source = before.items[0]!.id;
    const regenerated = await client.call('history.regenerate', { id: source, params: { edges: 'hard' } });
    expect(regenerated.error).toBeUndefined();
    const item = regenerated.result as { id: number; sourceGenerationId: number; params: { edges: string } };
    expect(item.sourceGenerationId).toBe(source);
    expect(item.params.edges).toBe('hard');
    // Only the composition changed: a version of the same item, listed with it (not a second item).
    const list = (await client.call('history.list', {})).result as {
      total: number;
      items: { versions: number }[];
    };
    expect([list.total, list.items[0]?.versions]).toEqual([1, 1]);
    const versions = (await client.call('history.versions', { id: source })).result as {
      items: { id: number }[];
    };
    expect(versions.items.map((i) => i.id)).toEqual([source, item.id]);
    expect((await client.call('history.delete', { id: item.id })).result).toEqual({ ok: true });
    expect((await client.call('history.get', { id: item.id })).error?.code).toBe('NOT_FOUND');
  });

  it('keeps settings per profile', async () => {
    const set = (
      await client.call('settings.set', { retentionDays: 3, privacyMode: true, naming: '{name}-cut.{ext}' })
    ).result as Record<string, unknown>;
    expect(set).toMatchObject({
      retentionDays: 3,
      privacyMode: true,
      naming: '{name}-cut.{ext}',
      analytics: false,
    });
    expect((await client.call('settings.set', { retentionDays: -1 })).error?.code).toBe('USAGE');
    await client.call('settings.set', { privacyMode: false });
  });
});
