/**
 * Starts the real license server (PGlite) and `atelier serve` (real engine and models) on 127.0.0.1
 * in a temporary profile, registers a user and credits tokens through a signed payment webhook (the
 * payment provider is the only party imitated). Tests read what they need from E2E_STATE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export interface E2EState {
  appUrl: string;
  serverUrl: string;
  photos: string[];
  badFile: string;
  email: string;
  password: string;
  logFile: string;
  /** Signs payment webhooks, so a test can complete a checkout as the payment provider would. */
  webhookSecret: string;
}

const root = path.resolve(import.meta.dirname, '..', '..');

/** Collects a child's output so several patterns can be awaited in any order. */
function watchOutput(child: ChildProcess, what: string) {
  let seen = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (c: Buffer) => (seen += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (seen += c.toString()));
  child.on('exit', (code) => (exited = code));
  return async (pattern: RegExp): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const match = seen.match(pattern);
      if (match) return match;
      if (exited !== undefined) throw new Error(`${what} exited with ${exited}: ${seen.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${what} did not start: ${seen.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-'));
  const photosDir = path.join(work, 'photos');
  mkdirSync(photosDir);
  const fixtures = path.resolve(root, '..', 'shared', 'fixtures', 'rembg', 'images');
  const photos: string[] = [];
  for (const name of ['car-1', 'cloth-1', 'anime-girl-1']) {
    const file = path.join(photosDir, `${name}.jpg`);
    await sharp(path.join(fixtures, `${name}.jpg`))
      .resize(600, 600, { fit: 'inside' })
      .jpeg({ quality: 90 })
      .toFile(file);
    photos.push(file);
  }
  const badFile = path.join(photosDir, 'bad.png');
  writeFileSync(badFile, 'this is a text file, not a PNG');

  const webhookSecret = randomUUID();
  const license = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: `pglite:${path.join(work, 'license-db')}`,
      ATELIER_WEBHOOK_SECRET: webhookSecret,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const licenseOutput = watchOutput(license, 'license server');
  const [, publicKey] = await licenseOutput(/"publicKey":"([^"]+)"/);
  const [, serverUrl] = await licenseOutput(/license endpoint at (http:\/\/[^"\s]+)/);

  const email = `designer-${randomUUID()}@example.com`;
  const password = 'a long studio password';
  const reg = await fetch(`${serverUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
  // A purchase: the server creates the checkout for the account, the provider's webhook reports it paid.
  const login = (await (
    await fetch(`${serverUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
  ).json()) as { access_token: string };
  const { checkoutUrl } = (await (
    await fetch(`${serverUrl}/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.access_token}` },
      body: JSON.stringify({ packId: 'starter' }),
    })
  ).json()) as { checkoutUrl: string };
  const body = JSON.stringify({
    id: `evt_${randomUUID()}`,
    type: 'checkout.completed',
    data: { checkoutId: checkoutUrl.split('/').pop() },
  });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex')}`;
  const paid = await fetch(`${serverUrl}/v1/webhooks/payment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Atelier-Signature': signature },
    body,
  });
  if (!paid.ok) throw new Error(`payment webhook failed: ${paid.status} ${await paid.text()}`);

  const logFile = path.join(work, 'serve.log');
  const serve = spawn(
    process.execPath,
    [
      'bin/atelier.js',
      'serve',
      '--port',
      '0',
      '--profile',
      path.join(work, 'profile'),
      '--provider',
      'cpu',
      '--no-browser',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ATELIER_OUTPUT_DIR: path.join(work, 'out'),
        ATELIER_SERVER_URL: serverUrl,
        ATELIER_SERVER_PUBLIC_KEY: publicKey,
        ATELIER_NO_BROWSER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // The engine prints URLs it would open in a browser (sign-in) to stderr: tests read them from this log.
  const log: string[] = [];
  serve.stderr?.on('data', (c: Buffer) => {
    log.push(c.toString());
    writeFileSync(logFile, log.join(''));
  });
  const [, appUrl] = await watchOutput(serve, 'atelier serve')(/serving at (http:\/\/\S+)/);

  if (!appUrl || !serverUrl) throw new Error('could not read the app or license server URL');
  const state: E2EState = { appUrl, serverUrl, photos, badFile, email, password, logFile, webhookSecret };
  process.env.E2E_STATE = JSON.stringify(state);
  return async () => {
    serve.kill('SIGTERM');
    license.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  };
}
