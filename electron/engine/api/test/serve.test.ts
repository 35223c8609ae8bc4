import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
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

function connect(url: string, headers: Record<string, string>, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
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
        Authorization: `Bearer ${serving.token}`,
      }),
    );
  });
  afterAll(async () => {
    client?.ws.close();
    await serving?.close();
    await engine?.close();
    cleanup();
  });

  it('finding 2: the serve token never travels in a cookie', async () => {
    // The printed URL carries the token in its fragment, which a browser never sends to any server.
    expect(new URL(serving.openUrl).hash).toBe(`#token=${serving.token}`);
    expect(new URL(serving.openUrl).search).toBe('');
    // Opening the page (even the old ?token= form) sets no cookie: the page keeps the token itself.
    for (const url of [serving.openUrl, `${serving.url}?token=${serving.token}`]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    // A cookie is no longer a credential, and an old one is cleared rather than answered "Wrong token".
    const cookie = { Cookie: `atelier_token=${serving.token}` };
    const ws = `${origin.replace('http', 'ws')}/api`;
    await expect(connect(ws, { Origin: origin, ...cookie })).rejects.toThrow('403');
    expect((await fetch(`${origin}/session`, { headers: cookie })).status).toBe(401);
    const old = await fetch(`${serving.url}?token=an-old-token`, {
      headers: { Cookie: 'atelier_token=old' },
    });
    expect(old.status).toBe(200);
    expect(old.headers.get('content-type')).toContain('text/html');
    expect(old.headers.get('set-cookie')).toMatch(/^atelier_token=; Max-Age=0/);
    // What the page does instead: a WebSocket subprotocol (the server answers with the plain one, so the
    // token is not echoed), a Bearer header, and a read-only image grant for <img> tags.
    const socket = await connect(ws, { Origin: origin }, ['atelier', `atelier-token.${serving.token}`]);
    expect(socket.protocol).toBe('atelier');
    socket.close();
    await expect(connect(ws, { Origin: origin }, ['atelier', 'atelier-token.wrong'])).rejects.toThrow('403');
    const session = await fetch(`${origin}/session`, {
      headers: { Authorization: `Bearer ${serving.token}` },
    });
    const { grant, renewAt } = (await session.json()) as { grant: string; renewAt: number };
    expect(grant).not.toContain(serving.token);
    expect(renewAt).toBeGreaterThan(Date.now());
    // A grant opens images only, never the API.
    await expect(connect(ws, { Origin: origin }, ['atelier', `atelier-token.${grant}`])).rejects.toThrow(
      '403',
    );
    expect((await fetch(`${origin}/session`, { headers: { Authorization: `Bearer ${grant}` } })).status).toBe(
      401,
    );
  });

  it('refuses the API without the token, from another Origin, or with a foreign Host', async () => {
    const ws = `${origin.replace('http', 'ws')}/api`;
    await expect(connect(ws, { Origin: origin })).rejects.toThrow('403');
    await expect(
      connect(ws, { Origin: 'http://evil.example', Authorization: `Bearer ${serving.token}` }),
    ).rejects.toThrow('403');
    const wrongToken = await fetch(`${origin}/session`, { headers: { Authorization: 'Bearer nope' } });
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
    const headers = { Authorization: `Bearer ${serving.token}`, Origin: origin };
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
    // <img> tags load with the image grant instead of the token.
    const { grant } = (await (await fetch(`${origin}/session`, { headers })).json()) as { grant: string };
    const granted = await fetch(`${origin}/thumb/${page.items[0]!.outputImageId}?grant=${grant}`);
    expect(granted.status).toBe(200);
    expect((await fetch(`${origin}/thumb/${page.items[0]!.outputImageId}?grant=x${grant}`)).status).toBe(401);
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

  it('finding 3: the serve API never overwrites, never writes into the profile, and does not tell missing from forbidden', async () => {
    // Export: an existing file is never replaced unless asked.
    const existing = path.join(dir, 'keep.zip');
    writeFileSync(existing, 'not ours');
    const refused = await client.call('history.export', { path: existing });
    expect(refused.error?.code).toBe('OUTPUT_EXISTS');
    expect(readFileSync(existing, 'utf8')).toBe('not ours');
    expect(existsSync(`${existing}.partial`)).toBe(false);
    const replaced = await client.call('history.export', { path: existing, overwrite: true });
    expect(replaced.error).toBeUndefined();
    expect(readFileSync(existing).subarray(0, 2).toString()).toBe('PK');

    // Folders: only the output folder named in Settings is created; any other must already exist.
    const photo = path.join(dir, 'inputs', 'car.jpg');
    mkdirSync(path.dirname(photo), { recursive: true });
    await sharp(fixturePhoto('car-1')).resize(200).jpeg().toFile(photo);
    const elsewhere = path.join(dir, 'not-named', '.ssh');
    const start = (outputDir: string) =>
      client.call('batch.start', { operation: 'cutout', params: {}, inputs: [photo], outputDir });
    expect((await start(elsewhere)).error?.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(existsSync(path.join(dir, 'not-named'))).toBe(false);
    // Never into the profile, neither for a batch nor as the Settings folder.
    expect((await start(path.join(engine.paths.root, 'out'))).error?.message).toContain('inside the profile');
    const intoProfile = await client.call('settings.set', { outputDir: path.join(engine.paths.root, 'x') });
    expect(intoProfile.error?.message).toContain('inside the profile');

    // Missing, forbidden or blocked output folders all get one answer.
    const aFile = path.join(dir, 'a-file');
    writeFileSync(aFile, '');
    const answers = await Promise.all(
      [path.join(dir, 'missing'), aFile, '/proc/atelier-forbidden'].map(async (d) =>
        ((await start(d)).error?.message ?? '').replace(d, 'DIR'),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe('Cannot write to the output folder DIR');

    // Inputs: a missing path and one that cannot be read are refused alike.
    const missing = path.join(dir, 'no-such-photo.jpg');
    const expanded = (await client.call('files.expand', { paths: [missing], recursive: false })).result as {
      rejected: { path: string; message: string }[];
    };
    expect(expanded.rejected[0]?.message.replace(missing, 'P')).toBe(
      'Cannot open P: it does not exist or cannot be read — check the path and its permissions',
    );
    if (process.getuid?.() === 0) {
      console.log(
        'finding 3: the unreadable-input half needs a non-root user (root reads everything); checked by message above',
      );
    } else {
      const locked = path.join(dir, 'locked');
      mkdirSync(locked, { mode: 0o000 });
      const inLocked = path.join(locked, 'photo.jpg');
      const r = (await client.call('files.expand', { paths: [inLocked], recursive: false })).result as {
        rejected: { message: string }[];
      };
      expect(r.rejected[0]?.message.replace(inLocked, 'P')).toBe(
        expanded.rejected[0]?.message.replace(missing, 'P'),
      );
    }

    // A batch into an existing folder never replaces a file it did not create.
    await client.call('settings.set', { naming: '{name}.{ext}' });
    const shared = path.join(dir, 'shared-out');
    mkdirSync(shared);
    writeFileSync(path.join(shared, 'car.png'), 'someone else’s file');
    const started = await start(shared);
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
    expect(readFileSync(path.join(shared, 'car.png'), 'utf8')).toBe('someone else’s file');
    expect(readdirSync(shared).sort()).toEqual(['car-1.png', 'car.png']);
  });

  it('finding 11: the UI opened on localhost:PORT goes to 127.0.0.1:PORT', async () => {
    const { port } = new URL(origin);
    const answer = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/history?x=1', headers: { Host: `localhost:${port}` } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, location: res.headers.location });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(308);
    expect(answer.location).toBe(`${origin}/history?x=1`);
  });
});
