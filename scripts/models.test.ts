import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
});
