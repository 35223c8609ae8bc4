import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../../engine/api/contract';
import { buildCli } from '../../engine/cli/test/harness';
import { fixturePhoto, repoRoot, tempDir } from '../../engine/testing/fixtures';

// The built main-process bundle (dist/electron/main.cjs, from scripts/build-engine.js) run in plain Node
// against a stand-in for the `electron` module (electron/engine/testing/electron-stand-in.cjs): the one
// outside part we cannot have here. Everything behind it — the engine, the IPC adapter, the atelier://
// protocol, the menu, the files opened with the app — is the real code.

const bundle = path.join(repoRoot, 'dist', 'electron', 'main.cjs');
const register = path.join(repoRoot, 'electron', 'engine', 'testing', 'electron-stand-in-register.cjs');

interface Message {
  type: string;
  id?: number;
  value?: unknown;
  name?: string;
  payload?: Record<string, unknown>;
  title?: string;
  content?: string;
  code?: number;
}

class MainProcess {
  readonly messages: Message[] = [];
  readonly exited: Promise<number | null>;
  private next = 1;
  private readonly child: ChildProcess;
  stderr = '';

  constructor(env: Record<string, string>) {
    this.child = fork(bundle, [], {
      execArgv: ['--require', register],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('message', (m: Message) => this.messages.push(m));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  waitFor(match: (m: Message) => boolean, timeoutMs = 60_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const found = () => this.messages.find(match);
      const now = found();
      if (now) return resolve(now);
      const timer = setTimeout(
        () => reject(new Error(`main process: no matching message in ${timeoutMs} ms\n${this.stderr}`)),
        timeoutMs,
      );
      const check = () => {
        const m = found();
        if (!m) return;
        clearTimeout(timer);
        this.child.off('message', check);
        resolve(m);
      };
      this.child.on('message', check);
    });
  }

  async request<T>(type: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    this.child.send({ id, type, ...fields });
    return (await this.waitFor((m) => m.type === 'reply' && m.id === id)).value as T;
  }

  invoke(method: string, params: unknown = {}, senderUrl?: string) {
    return this.request<{
      ok: boolean;
      result?: Record<string, unknown>;
      error?: { code: string; message: string };
    }>('invoke', { method, params, ...(senderUrl ? { senderUrl } : {}) });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

function appFolder(dir: string): string {
  const appPath = path.join(dir, 'app');
  mkdirSync(path.join(appPath, 'dist', 'renderer'), { recursive: true });
  writeFileSync(
    path.join(appPath, 'dist', 'renderer', 'index.html'),
    '<!doctype html><title>Atelier</title>',
  );
  symlinkSync(path.join(repoRoot, 'models'), path.join(appPath, 'models'));
  return appPath;
}

describe('the Electron main process (built bundle, stand-in electron)', () => {
  const { dir, cleanup } = tempDir('atelier-main-');
  let main: MainProcess;
  let photo: string;

  beforeAll(async () => {
    await buildCli(); // builds every bundle, dist/electron/main.cjs among them, when sources changed
    photo = path.join(dir, 'car.jpg');
    await sharp(fixturePhoto('car-1')).resize(320).jpeg().toFile(photo);
    main = new MainProcess({
      ATELIER_HOME: path.join(dir, 'profile'),
      ATELIER_STAND_IN_APP_PATH: appFolder(dir),
      ATELIER_OUTPUT_DIR: path.join(dir, 'out'),
    });
    await main.waitFor((m) => m.type === 'ready');
  });
  afterAll(() => {
    main?.stop();
    cleanup();
  });

  it('opens the engine, registers the atelier:// scheme and one IPC channel, loads the hardened window', async () => {
    const calls = await main.request<{ what: string; args: unknown[] }[]>('calls');
    const of = (what: string) => calls.filter((c) => c.what === what);
    expect(of('app.requestSingleInstanceLock')).toHaveLength(1);
    const [schemes] = of('protocol.registerSchemesAsPrivileged')[0]!.args as { scheme: string }[][];
    expect(schemes?.map((s) => s.scheme)).toEqual(['atelier']);
    expect(of('protocol.handle').map((c) => c.args[0])).toEqual(['atelier']);
    expect(of('ipcMain.handle').map((c) => c.args[0])).toEqual(['atelier:invoke']);
    const [options] = of('new BrowserWindow')[0]!.args as { webPreferences: Record<string, unknown> }[];
    expect(options?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(options?.webPreferences.preload)).toMatch(/dist[\\/]electron[\\/]preload\.cjs$/);
    expect(of('BrowserWindow.loadURL').map((c) => c.args[0])).toEqual(['atelier://app/index.html']);
    const [page] = of('page');
    expect(page?.args[1]).toBe(200);
    expect(String(page?.args[2])).toContain("script-src 'self'");
    expect(of('session.setPermissionRequestHandler')).toHaveLength(1);
    expect(of('Menu.setApplicationMenu')).toHaveLength(1);
  });

  it('dispatches every contract method through the IPC handler, and refuses untrusted frames', async () => {
    for (const name of Object.keys(methods)) {
      const answer = await main.invoke(name, name === 'system.openLogFolder' ? {} : { __probe: true });
      expect(answer.error?.message ?? '', name).not.toContain('Unknown API method');
    }
    expect((await main.invoke('system.info')).result?.host).toBe('electron');
    const refused = await main.invoke('system.info', {}, 'https://evil.example/');
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTH' } });
  });

  it('runs a batch over IPC and serves its image and thumbnail through atelier://', async () => {
    const started = await main.invoke('batch.start', { operation: 'cutout', params: {}, inputs: [photo] });
    expect(started.error).toBeUndefined();
    const batchId = started.result?.batchId;
    const finished = await main.waitFor(
      (m) => m.name === 'batch.item' && m.payload?.batchId === batchId && m.payload?.stage === 'finished',
    );
    expect(finished.payload?.status).toBe('done');
    const item = await main.invoke('history.get', { id: finished.payload?.generationId });
    const imageId = item.result?.outputImageId as number;
    const image = await main.request<{ status: number; type: string; bytes: number; head: string }>(
      'protocol',
      {
        url: `atelier://image/${imageId}`,
      },
    );
    expect(image).toMatchObject({ status: 200, type: 'image/png', head: '89504e470d0a1a0a' });
    expect(image.bytes).toBeGreaterThan(1000);
    const thumb = await main.request<{ status: number; type: string }>('protocol', {
      url: `atelier://thumb/${imageId}`,
    });
    expect(thumb).toMatchObject({ status: 200, type: 'image/webp' });
    const outside = await main.request<{ status: number }>('protocol', {
      url: 'atelier://app/../../etc/passwd',
    });
    expect(outside.status).toBe(404);
  });

  it('delivers menu commands and opened files to the renderer’s event stream', async () => {
    expect(await main.request('menu', { label: 'History' })).toEqual({ clicked: 'History' });
    await main.waitFor((m) => m.name === 'app.command' && m.payload?.command === 'go:history');
    await main.request('menu', { label: 'Open Photos…' });
    await main.waitFor((m) => m.name === 'app.command' && m.payload?.command === 'open');
    await main.request('open-file', { path: photo });
    const opened = await main.waitFor((m) => m.name === 'app.openFiles');
    expect(opened.payload?.paths).toEqual([photo]);
  });
});

describe('the Electron main process when the engine cannot open', () => {
  const { dir, cleanup } = tempDir('atelier-main-fail-');
  afterAll(cleanup);

  it('shows the error dialog, logs the details and exits', async () => {
    await buildCli();
    const profile = path.join(dir, 'profile');
    mkdirSync(profile, { recursive: true });
    writeFileSync(path.join(profile, 'atelier.db'), 'this is not a SQLite database'.repeat(200));
    const main = new MainProcess({ ATELIER_HOME: profile, ATELIER_STAND_IN_APP_PATH: appFolder(dir) });
    try {
      const shown = await main.waitFor((m) => m.type === 'dialog');
      expect(shown.title).toBe('Atelier could not start');
      expect(shown.content).toContain('Not an Atelier database');
      expect(shown.content).toContain(path.join(profile, 'logs'));
      expect(await main.exited).toBe(1);
      const log = readFileSync(path.join(profile, 'logs', 'atelier.log'), 'utf8');
      expect(log).toContain('"where":"start-up"');
      expect(log).toContain('"stack"');
    } finally {
      main.stop();
    }
  });
});
