/**
 * "Nothing sent but what we say": `atelier serve` runs as its own process with a preload that records
 * every outgoing connection and host-name lookup it makes, while a client drives the main flows over
 * the real HTTP + WebSocket API — cut-out, a batch, history (list, images, pin, re-render, export,
 * delete), sign-in through the browser, spending and sync, analytics switched on, account deletion.
 * The only place it may talk to is the license server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessCI } from '../../testing/ci';
import { keychainProblem } from '../../testing/keychain';
import { signInBrowser } from '../../testing/account-browser';
import { creditPack, registerUser, startTestServer, type LicenseServer } from '../../testing/account-server';
import { fixturePhoto, repoRoot, tempDir } from '../../testing/fixtures';
import { findBytes, needles, newMarker, plantMarker } from '../../testing/marker';
import { randomUUID } from 'node:crypto';
import { WsClient } from '../../testing/serve-client';

const problem = await keychainProblem();
skipUnlessCI(problem, 'outgoing connections of the main flows (needs the keychain)');

interface Connection {
  kind: 'tcp' | 'ipc' | 'dns' | 'data';
  host?: string;
  port?: number;
  path?: string;
  /** kind 'data': what was written to an outgoing socket. */
  base64?: string;
}

describe.skipIf(problem !== null)('outgoing connections of atelier serve in the main flows', () => {
  const { dir, cleanup } = tempDir('atelier-network-');
  const log = path.join(dir, 'connections.jsonl');
  const outDir = path.join(dir, 'out');
  let server: LicenseServer;
  let child: ChildProcess;
  let api: WsClient;
  let stderr = '';
  let user: { email: string; password: string; accountId: string };

  /** Unique bytes planted in every uploaded photo: none may be in anything the app sends. */
  const markers: Buffer[] = [];
  /** Upload names with a unique part: file names must not be sent either. */
  const names: string[] = [];
  const named = (base: string) => {
    const name = `${base}-${randomUUID()}.jpg`;
    names.push(name);
    return name;
  };
  const photo = async (hue: number) => {
    const marker = newMarker();
    markers.push(marker);
    return plantMarker(
      await sharp(fixturePhoto('cloth-1')).resize(200).modulate({ hue }).jpeg().toBuffer(),
      marker,
    );
  };

  beforeAll(async () => {
    server = await startTestServer();
    user = await registerUser(server.url);
    await creditPack(server, user);
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Atelier</title>');
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        path.join(repoRoot, 'electron/engine/testing/record-connections.mjs'),
        'electron/engine/cli.ts',
        'serve',
        '--port',
        '0',
        '--profile',
        path.join(dir, 'profile'),
        '--provider',
        'cpu',
        '--no-browser',
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          ATELIER_CONNECTION_LOG: log,
          ATELIER_OUTPUT_DIR: outDir,
          ATELIER_RENDERER_DIR: renderer,
          ATELIER_SERVER_URL: server.url,
          ATELIER_SERVER_PUBLIC_KEY: server.publicKeyBase64,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const openUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /serving at (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    const url = new URL(openUrl);
    api = await WsClient.connect(url.origin, new URLSearchParams(url.hash.slice(1)).get('token') ?? '');
  }, 120_000);

  afterAll(async () => {
    api?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await new Promise((r) => child.once('exit', r));
      clearTimeout(killer);
    }
    await server?.close();
    cleanup();
  });

  /** The URL the engine "opens in the browser" (serve prints it), once it has been printed `after` chars in. */
  async function nextBrowserUrl(after: number): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const m = /Open (?:this URL )?in your browser: (\S+)/.exec(stderr.slice(after));
      if (m?.[1]) return m[1];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no sign-in URL printed: ${stderr}`);
  }

  it('talks to nothing but the license server', async () => {
    expect((await api.ok<{ analytics: boolean }>('settings.get')).analytics).toBe(false);

    // Cut-out of one photo, then a batch of two.
    const [one] = await api.runBatch('cutout', [await api.upload(named('one'), await photo(1))]);
    expect(one?.status).toBe('done');
    const batch = await api.runBatch('cutout', [
      await api.upload(named('two'), await photo(40)),
      await api.upload(named('three'), await photo(80)),
    ]);
    expect(batch.map((b) => b.status)).toEqual(['done', 'done']);

    // History: list, images, pin, re-render, export, delete.
    const page = await api.ok<{ items: { id: number; outputImageId: number }[] }>('history.list', {});
    const first = page.items[0]!;
    expect((await fetch(`${api.origin}/thumb/${first.outputImageId}`, { headers: api.headers })).ok).toBe(
      true,
    );
    expect((await fetch(`${api.origin}/image/${first.outputImageId}`, { headers: api.headers })).ok).toBe(
      true,
    );
    await api.ok('history.pin', { id: first.id, pinned: true });
    await api.ok('history.regenerate', { id: first.id, params: { edges: 'hard' } });
    await api.ok('history.export', { path: path.join(outDir, 'export.zip') });
    await api.ok('history.delete', { id: first.id });

    // Sign in through the browser (the test plays the person filling in the license server's page).
    const mark = stderr.length;
    const signedIn = api.ok<{ kind: string }>('account.signIn', { keepHistory: true });
    await signInBrowser(user).openExternal(await nextBrowserUrl(mark));
    expect((await signedIn).kind).toBe('signed_in');

    // Spend tokens signed in; the sync after the batch sends the debits.
    const [paid] = await api.runBatch('cutout', [await api.upload(named('four'), await photo(120))]);
    expect(paid?.status).toBe('done');
    await expect
      .poll(async () => (await api.ok<{ pendingDebits: number }>('account.status')).pendingDebits, {
        timeout: 30_000,
      })
      .toBe(0);

    // Analytics switched on changes nothing: this version has no analytics to send.
    await api.ok('settings.set', { analytics: true });
    const [more] = await api.runBatch('cutout', [await api.upload(named('five'), await photo(160))]);
    expect(more?.status).toBe('done');

    // The password is typed on the license server's page: the app never sees or keeps it.
    expect(findBytes(Buffer.from(user.password), [path.join(dir, 'profile')])).toEqual([]);

    const deleted = await api.ok<{ deletedOnServer: boolean }>('account.delete', { confirm: true });
    expect(deleted.deletedOnServer).toBe(true);
    // Deleted here too, while the host runs: the (adopted) history is gone and no photo is in the profile.
    expect((await api.ok<{ total: number }>('history.list', {})).total).toBe(0);
    expect((await api.ok<{ kind: string }>('account.status')).kind).toBe('anonymous');
    for (const marker of markers) expect(findBytes(marker, [path.join(dir, 'profile')])).toEqual([]);

    const licensePort = Number(new URL(server.url).port);
    expect(existsSync(log), 'the recorder wrote nothing: is the preload loaded?').toBe(true);
    const connections = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Connection);
    const toLicense = (c: Connection) =>
      c.kind === 'tcp' && ['127.0.0.1', 'localhost'].includes(c.host ?? '') && c.port === licensePort;
    expect(connections.filter(toLicense).length).toBeGreaterThan(0);
    const others = connections.filter(
      (c) =>
        c.kind !== 'data' &&
        !toLicense(c) &&
        !(c.kind === 'dns' && ['127.0.0.1', 'localhost'].includes(c.host ?? '')),
    );
    expect(others).toEqual([]);
    // And what went to the license server holds no photo: no marker, raw or Base64.
    const sent = Buffer.concat(
      connections.filter((c) => c.kind === 'data').map((c) => Buffer.from(c.base64 ?? '', 'base64')),
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(markers).toHaveLength(5);
    for (const marker of markers) {
      expect(needles(marker).filter(({ needle }) => sent.includes(needle))).toEqual([]);
    }
    expect(names).toHaveLength(5);
    for (const name of names) expect(sent.includes(Buffer.from(name.slice(-20)))).toBe(false);
  }, 300_000);
});
