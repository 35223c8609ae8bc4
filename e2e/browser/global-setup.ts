/**
 * What every browser spec file shares: the real license server (PGlite) on 127.0.0.1 and the input
 * photos. Each spec file then gets an `atelier serve` and a profile of its own from fixtures.ts, so any
 * subset of the specs runs alone and in any order.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { keychainProblem } from '../../electron/engine/testing/keychain';
import { root, stop, watchOutput } from './processes';

export interface SharedState {
  serverUrl: string;
  /** The license server's signing key, which each spec's serve is given as ATELIER_SERVER_PUBLIC_KEY. */
  publicKey: string;
  /** Signs payment webhooks, so a test can complete a checkout as the payment provider would. */
  webhookSecret: string;
  photos: string[];
  badFile: string;
  /** Why the OS keychain cannot be used here (sign-in stores its refresh token there), or null. */
  keychainProblem: string | null;
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
  if (!publicKey || !serverUrl) throw new Error('could not read the license server URL and key');

  const shared: SharedState = {
    serverUrl,
    publicKey,
    webhookSecret,
    photos,
    badFile,
    keychainProblem: await keychainProblem(),
  };
  process.env.E2E_SHARED = JSON.stringify(shared);
  return async () => {
    await stop(license);
    rmSync(work, { recursive: true, force: true });
  };
}
