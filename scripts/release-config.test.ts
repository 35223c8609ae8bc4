/**
 * The release build's license server (scripts/release-config.ts → dist/license-server.json): only an
 * https, non-loopback URL and a key that is not the development server's ever get into a build, and
 * the app reads what was written when nothing else configures a server.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_CONFIG_FILE, buildConfigFile, loadAccountConfig } from '../electron/engine/account/config';
import { repoRoot, tempDir } from '../electron/engine/testing/fixtures';

const { dir, cleanup } = tempDir('atelier-release-config-');
afterAll(cleanup);
const devDir = path.join(dir, 'dev');
mkdirSync(devDir);

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: spki.subarray(spki.length - 32).toString('base64'),
  };
}
const devKey = keyPair();
writeFileSync(path.join(devDir, 'secrets.json'), JSON.stringify({ signingKey: devKey.pem }));

let n = 0;
function build(env: Record<string, string>) {
  const dist = path.join(dir, `dist-${n++}`);
  const result = spawnSync(
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(repoRoot, 'scripts', 'release-config.ts')],
    {
      env: {
        ...process.env,
        ATELIER_RELEASE_SERVER_URL: '',
        ATELIER_RELEASE_SERVER_PUBLIC_KEY: '',
        ATELIER_DIST_DIR: dist,
        ATELIER_DEV_DIR: devDir,
        ...env,
      },
      encoding: 'utf8',
    },
  );
  return { ...result, file: path.join(dist, BUILD_CONFIG_FILE) };
}

describe('the release build carries its production license server, never a development one', () => {
  it('a loopback URL is refused and nothing is written', () => {
    for (const url of ['https://127.0.0.1:8787', 'https://localhost', 'http://127.0.0.1:8787']) {
      const r = build({
        ATELIER_RELEASE_SERVER_URL: url,
        ATELIER_RELEASE_SERVER_PUBLIC_KEY: keyPair().publicKey,
      });
      expect(r.status, url).toBe(1);
      expect(r.stderr).toMatch(/loopback|https only/);
      expect(existsSync(r.file)).toBe(false);
    }
  });

  it('plain http is refused', () => {
    const r = build({
      ATELIER_RELEASE_SERVER_URL: 'http://license.example.com',
      ATELIER_RELEASE_SERVER_PUBLIC_KEY: keyPair().publicKey,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('https only');
  });

  it("the development server's key (npm run dev) is refused", () => {
    const r = build({
      ATELIER_RELEASE_SERVER_URL: 'https://license.example.com',
      ATELIER_RELEASE_SERVER_PUBLIC_KEY: devKey.publicKey,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("development server's key");
    expect(existsSync(r.file)).toBe(false);
  });

  it('without the variables the build has no server, and says so', () => {
    const r = build({});
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no license server in this build');
    expect(existsSync(r.file)).toBe(false);
  });

  it('a production URL and key are written, and the app reads them when nothing else is configured', () => {
    const key = keyPair().publicKey;
    const r = build({
      ATELIER_RELEASE_SERVER_URL: 'https://license.example.com',
      ATELIER_RELEASE_SERVER_PUBLIC_KEY: key,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(r.file, 'utf8'))).toEqual({
      url: 'https://license.example.com',
      keys: [{ keyId: 'k1', publicKey: key }],
    });
    const config = loadAccountConfig({ settings: path.join(dir, 'no-settings.json') }, {}, r.file);
    expect(config.serverUrl).toBe('https://license.example.com');
    // The app finds it in its own dist/ folder (a checkout, or app.asar in a release).
    const app = path.join(dir, 'app');
    mkdirSync(path.join(app, 'dist', 'electron'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), '{}');
    writeFileSync(path.join(app, 'dist', BUILD_CONFIG_FILE), readFileSync(r.file));
    expect(buildConfigFile(path.join(app, 'dist', 'electron'))).toBe(
      path.join(app, 'dist', BUILD_CONFIG_FILE),
    );
  });

  it("this checkout's dist/ (what electron-builder packs) carries no development server", () => {
    const file = path.join(repoRoot, 'dist', BUILD_CONFIG_FILE);
    expect(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')).toContain('- dist/**/*');
    if (!existsSync(file)) return; // a development checkout: no server built in
    const { url } = JSON.parse(readFileSync(file, 'utf8')) as { url: string };
    expect(new URL(url).protocol).toBe('https:');
    expect(['127.0.0.1', 'localhost', '[::1]']).not.toContain(new URL(url).hostname);
  });
});
