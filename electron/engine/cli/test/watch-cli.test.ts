/**
 * `atelier watch`: a photo copied in slowly (in chunks over about a second) is processed once,
 * complete; a bad file among good ones fails alone; the outputs mirror sub-folders.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { textFile } from './bad-files';
import { buildCli, finished, parseJsonLines, smallPhoto, startCli } from './harness';

const work = tempDir('atelier-watch-cli-');
beforeAll(() => buildCli());
afterAll(() => work.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Writes `bytes` to `file` in 6 chunks spread over ~1.2 s, like a slow copy from a camera or share. */
async function slowCopy(bytes: Buffer, file: string): Promise<void> {
  const fd = openSync(file, 'w');
  const step = Math.ceil(bytes.length / 6);
  for (let at = 0; at < bytes.length; at += step) {
    writeSync(fd, bytes.subarray(at, at + step));
    await sleep(200);
  }
  closeSync(fd);
}

describe('atelier watch', () => {
  it('processes slowly copied photos once, complete, and a bad file alone fails', async () => {
    const inDir = path.join(work.dir, 'inbox');
    const outDir = path.join(work.dir, 'outbox');
    mkdirSync(inDir, { recursive: true });
    const source = await smallPhoto('car-1', path.join(work.dir, 'src', 'car.jpg'), 320);
    const child = startCli([
      'watch',
      inDir,
      '--out',
      outDir,
      '--op',
      'cutout',
      '--settle',
      '500',
      '--json',
      '--profile',
      path.join(work.dir, 'profile'),
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = finished(child, 90_000);
    try {
      await until(() => stderr.includes('watching'), 30_000, 'the watcher to start');
      mkdirSync(path.join(inDir, 'sub'));
      await slowCopy(readFileSync(source), path.join(inDir, 'sub', 'slow car.jpg'));
      textFile(path.join(inDir, 'broken.jpg'));
      await until(() => parseJsonLines(stdout).length >= 2, 60_000, `two results\n${stderr}`);
      await sleep(1500); // any duplicate event would show up by now
    } finally {
      child.kill('SIGINT');
    }
    const r = await done;
    const results = parseJsonLines(r.stdout);
    const slow = results.filter((j) => (j.input as string).endsWith('slow car.jpg'));
    expect(slow, r.stderr).toHaveLength(1);
    expect(slow[0]).toMatchObject({ status: 'done' });
    const output = path.join(outDir, 'sub', 'slow car.png');
    expect(existsSync(output)).toBe(true);
    const meta = await sharp(output).metadata();
    expect([meta.width, meta.hasAlpha]).toEqual([320, true]);
    const broken = results.filter((j) => (j.input as string).endsWith('broken.jpg'));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ status: 'failed' });
    expect(r.stderr).toMatch(/failed: .*broken\.jpg/);
    expect(r.code).toBe(2);
  });
});
