import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedDir, tempDir } from '../electron/engine/testing/fixtures';

// `npm run models` against a real mirror folder and a corrupted one, in a temporary models dir so the
// project's own models/ is never touched.
describe('npm run models', () => {
  const { dir, cleanup } = tempDir('atelier-models-');
  afterAll(cleanup);
  const modelsDir = path.join(dir, 'models');
  mkdirSync(modelsDir);
  copyFileSync(path.join(repoRoot, 'models', 'manifest.json'), path.join(modelsDir, 'manifest.json'));
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const run = (...args: string[]) =>
    spawnSync(tsx, [path.join(repoRoot, 'scripts', 'models.ts'), ...args], {
      env: { ...process.env, ATELIER_MODELS_DIR: modelsDir },
      encoding: 'utf8',
    });

  it('copies and verifies a model from a mirror', () => {
    const result = run('--from', path.join(sharedDir, 'models'), 'u2netp');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('sha256 verified');
    const digest = execFileSync('sha256sum', [path.join(modelsDir, 'u2netp.onnx')], { encoding: 'utf8' });
    expect(digest.startsWith('309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8')).toBe(true);
  });

  it('refuses a mirror file whose bytes do not match, installing nothing', () => {
    const badMirror = path.join(dir, 'bad-mirror');
    mkdirSync(badMirror);
    const good = readFileSync(path.join(sharedDir, 'models', 'anime_facepaint_v2_student_256.onnx'));
    good[1000] = good[1000]! ^ 0xff; // same size, one flipped byte
    writeFileSync(path.join(badMirror, 'anime_facepaint_v2_student_256.onnx'), good);
    const result = run('--from', badMirror, 'anime-facepaint');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/anime-facepaint: .*fails its sha256 check/);
    expect(existsSync(path.join(modelsDir, 'anime_facepaint_v2_student_256.onnx'))).toBe(false);
  });

  it('names an unknown model id', () => {
    const result = run('--from', path.join(sharedDir, 'models'), 'no-such-model');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Unknown model "no-such-model"');
  });

  /** A models folder of its own whose manifest lists only `ids` (from the real manifest). */
  function modelsFolder(name: string, ids: string[]): string {
    const folder = path.join(dir, name);
    mkdirSync(folder);
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models', 'manifest.json'), 'utf8')) as {
      models: { id: string }[];
    };
    manifest.models = manifest.models.filter((m) => ids.includes(m.id));
    writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
    return folder;
  }
  const setup = (folder: string, env: Record<string, string> = {}) =>
    spawnSync(tsx, [path.join(repoRoot, 'scripts', 'models.ts'), '--setup'], {
      env: { ...process.env, ATELIER_MODELS_MIRROR: '', ...env, ATELIER_MODELS_DIR: folder },
      encoding: 'utf8',
    });

  it('setup (npm install) without a mirror: names what is missing and the command, and does not fail', () => {
    // candy has no upstream URL: only a mirror holds it, so this needs no network either way.
    const folder = modelsFolder('setup-no-mirror', ['candy', 'anime-paprika']);
    const result = setup(folder);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('2 of 2 models not installed: candy, anime-paprika');
    expect(result.stderr).toContain('npm run models -- --dev');
    expect(existsSync(path.join(folder, 'fns_candy_pytorch.onnx'))).toBe(false);
  });

  it('setup from ATELIER_MODELS_MIRROR (a folder): the bundled and development models, verified', () => {
    const folder = modelsFolder('setup-mirror', ['candy', 'anime-paprika', 'isnet-general-use']);
    const result = setup(folder, { ATELIER_MODELS_MIRROR: path.join(sharedDir, 'models') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('all 2 models installed and verified');
    expect(existsSync(path.join(folder, 'noncommercial', 'anime_paprika_student_256.onnx'))).toBe(false);
    expect(existsSync(path.join(folder, 'anime_paprika_student_256.onnx'))).toBe(true);
    // A catalog model (not bundled, not development-only) is the user's choice, never fetched here.
    expect(existsSync(path.join(folder, 'isnet-general-use.onnx'))).toBe(false);
  });

  it('setup with a mirror that does not exist fails, saying so', () => {
    const folder = modelsFolder('setup-bad-mirror', ['candy']);
    const result = setup(folder, { ATELIER_MODELS_MIRROR: path.join(dir, 'no-such-mirror') });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('does not exist');
  });

  it('a mirror URL: downloads through the app installer and verifies', async () => {
    const root = path.join(sharedDir, 'models');
    const server = createServer((req, res) => {
      const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const folder = modelsFolder('url-mirror', ['mosaic']);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      // Not spawnSync: this process serves the mirror meanwhile.
      const child = spawn(tsx, [path.join(repoRoot, 'scripts', 'models.ts'), '--from', url], {
        env: { ...process.env, ATELIER_MODELS_DIR: folder },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(out).toContain('mosaic → models/fns_mosaic_pytorch.onnx');
      expect(code).toBe(0);
    } finally {
      server.close();
    }
  });
});
