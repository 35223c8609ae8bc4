/**
 * `atelier cutout` end to end: the real CLI process, the real u2netp model on small real photos, a
 * temporary profile (SQLite on disk). Bad inputs fail one by one with a line naming the file while
 * the batch goes on; exit codes; naming and conflicts; recursive mirroring.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto, tempDir } from '../../testing/fixtures';
import { bmpFile, pngBomb, textFile, truncatedCopy, zeroByteFile } from './bad-files';
import { buildCli, cliEntry, runCli, smallPhoto } from './harness';

const work = tempDir('atelier-cutout-cli-');
let profiles = 0;
/** A profile per test: each starts with the anonymous daily free quota untouched. */
function freshProfile(): string {
  profiles += 1;
  return path.join(work.dir, `profile-${profiles}`);
}
beforeAll(() => buildCli());
afterAll(() => work.cleanup());

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('failed: '));
}

describe('atelier cutout: bad inputs in one batch with good files', () => {
  it('processes the good files, fails each bad one with a line naming it, and exits 2', async () => {
    const profile = freshProfile();
    const dir = path.join(work.dir, 'mixed in');
    mkdirSync(dir, { recursive: true });
    const good = await smallPhoto('car-1', path.join(dir, 'car one.jpg'));
    const unicode = await smallPhoto('plants-1', path.join(dir, 'фото été', 'plante verte.png'), 320);
    const bad = {
      empty: zeroByteFile(path.join(dir, 'empty.jpg')),
      truncated: truncatedCopy(fixturePhoto('cloth-1'), path.join(dir, 'truncated.jpg')),
      text: textFile(path.join(dir, 'notes.png')),
      bmp: bmpFile(path.join(dir, 'old.bmp')),
      bomb: pngBomb(path.join(dir, 'bomb.png')),
    };
    const missing = path.join(dir, 'does-not-exist.jpg');
    const out = path.join(work.dir, 'new', 'nested out');
    const r = await runCli([
      'cutout',
      good,
      unicode,
      good,
      ...Object.values(bad),
      missing,
      '--out',
      out,
      '--json',
      '--profile',
      profile,
    ]);
    expect(r.code, r.stderr).toBe(2);

    // The good ones are written (the output folder was created), as PNGs with transparency.
    for (const name of ['car one.png', 'plante verte.png']) {
      const meta = await sharp(path.join(out, name)).metadata();
      expect(meta.format).toBe('png');
      expect(meta.hasAlpha).toBe(true);
    }
    // Each bad file has exactly one error line naming it; the codes say what was wrong.
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(Object.keys(bad).length + 1);
    for (const file of [...Object.values(bad), missing]) {
      expect(
        lines.filter((l) => l.includes(file)),
        `${file} in\n${lines.join('\n')}`,
      ).toHaveLength(1);
    }
    const byInput = new Map(r.json.map((j) => [j.input as string, j]));
    const code = (file: string) => (byInput.get(file)?.error as { code?: string } | undefined)?.code;
    expect(code(bad.empty)).toBe('EMPTY_FILE');
    expect(code(bad.bomb)).toBe('TOO_MANY_PIXELS');
    expect(code(missing)).toBe('NOT_FOUND');
    expect(['CORRUPT_IMAGE', 'UNSUPPORTED_FORMAT']).toContain(code(bad.truncated));
    expect(['CORRUPT_IMAGE', 'UNSUPPORTED_FORMAT']).toContain(code(bad.text));
    expect(code(bad.bmp)).toBe('UNSUPPORTED_FORMAT');

    // The same input given twice is processed once, and the note says so.
    const goodLines = r.json.filter((j) => j.input === good);
    expect(goodLines).toHaveLength(1);
    expect(goodLines[0]).toMatchObject({ status: 'done', note: 'given 2 times, processed once' });
    expect(goodLines[0]?.provider).toMatchObject({ used: 'cpu' });
    expect(goodLines[0]?.timings).toMatchObject({ decode: expect.any(Number), process: expect.any(Number) });
    // Nothing half-written is left behind.
    expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(r.stderr).toMatch(/2 done, 6 failed, 0 skipped of 8/);
  });

  it('refuses an output that would overwrite its input, and leaves the input intact', async () => {
    const profile = freshProfile();
    const dir = path.join(work.dir, 'self');
    const input = await smallPhoto('cloth-1', path.join(dir, 'shirt.png'), 200);
    const before = readFileSync(input);
    const r = await runCli(['cutout', input, '--out', dir, '--profile', profile]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr).join('\n')).toMatch(/overwrite the input .*shirt\.png/);
    expect(readFileSync(input).equals(before)).toBe(true);
  });

  it('fails once, clearly, when the output folder cannot be written', async () => {
    const profile = freshProfile();
    const input = await smallPhoto('car-1', path.join(work.dir, 'ro', 'car.jpg'), 200);
    const blocker = path.join(work.dir, 'ro', 'a-file');
    writeFileSync(blocker, 'x');
    const r = await runCli(['cutout', input, '--out', path.join(blocker, 'out'), '--profile', profile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Cannot write to the output folder .*a-file\/out .*— choose another --out folder/,
    );
  });

  it('refuses a read-only output folder (a read-only mount: root ignores permission bits)', async () => {
    const input = await smallPhoto('car-1', path.join(work.dir, 'rofs', 'car.jpg'), 160);
    const readOnly = path.join(work.dir, 'rofs', 'mounted');
    mkdirSync(readOnly);
    // A private mount namespace, so the read-only mount vanishes with the process.
    const probe = spawnSync('unshare', ['-rm', 'true']);
    if (probe.status !== 0) {
      console.log('read-only mount not tested: `unshare -rm` is not permitted on this machine');
      return;
    }
    const script = `mount -t tmpfs -o ro,size=1m tmpfs "$1" && exec "$2" "$3" cutout "$4" --out "$1" --profile "$5"`;
    const r = spawnSync(
      'unshare',
      ['-rm', 'sh', '-c', script, 'sh', readOnly, process.execPath, cliEntry, input, freshProfile()],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /Cannot write to the output folder .*mounted \(it is read-only\) — choose another --out/,
    );
  });
});

describe('atelier cutout: exit codes, naming, conflicts, recursion', () => {
  it('exits 1 on usage errors with a hint', async () => {
    const noOut = await runCli(['cutout', 'x.jpg']);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toMatch(/--out DIR is required/);
    const badFlag = await runCli(['cutout', 'x.jpg', '--out', work.dir, '--edges', 'fuzzy']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--edges must be one of soft, hard/);
    const unknown = await runCli(['cutout', 'x.jpg', '--out', work.dir, '--frobnicate']);
    expect(unknown.code).toBe(1);
  });

  it('says once, before any image, when the requested GPU cannot run the model', async () => {
    const profile = freshProfile();
    const input = await smallPhoto('car-1', path.join(work.dir, 'gpu', 'car.jpg'), 160);
    const r = await runCli([
      'cutout',
      input,
      '--out',
      path.join(work.dir, 'gpu-out'),
      '--provider',
      'gpu',
      '--profile',
      profile,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /No requested execution provider could run "u2netp" \(CUDA \(GPU\): .*— use --provider auto/,
    );
    expect(existsSync(path.join(work.dir, 'gpu-out', 'car.png'))).toBe(false);
  });

  it('names outputs from the template and applies skip / overwrite / suffix on re-runs', async () => {
    const profile = freshProfile();
    const input = await smallPhoto('anime-girl-1', path.join(work.dir, 'naming', 'girl.jpg'), 240);
    const out = path.join(work.dir, 'naming-out');
    const args = [
      'cutout',
      input,
      '--out',
      out,
      '--name',
      '{name}-{model}',
      '--format',
      'webp',
      '--profile',
      profile,
    ];
    const first = await runCli([...args, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const target = path.join(out, 'girl-u2netp.webp');
    expect((await sharp(target).metadata()).format).toBe('webp');
    const mtime = statSync(target).mtimeMs;

    const skipped = await runCli([...args, '--json']);
    expect(skipped.code).toBe(0);
    expect(skipped.json[0]).toMatchObject({ status: 'skipped', note: 'output already exists' });
    expect(statSync(target).mtimeMs).toBe(mtime);

    const suffixed = await runCli([...args, '--on-conflict', 'suffix']);
    expect(suffixed.code).toBe(0);
    expect(existsSync(path.join(out, 'girl-u2netp-1.webp'))).toBe(true);

    const overwritten = await runCli([...args, '--on-conflict', 'overwrite', '--mask-only']);
    expect(overwritten.code).toBe(0);
    expect(statSync(target).mtimeMs).toBeGreaterThan(mtime);
  });

  it('applies the cutout options: canvas, background, trim, hard edges, mask only', async () => {
    const profile = freshProfile();
    const input = await smallPhoto('car-1', path.join(work.dir, 'opts', 'car.jpg'), 300);
    const inMeta = await sharp(input).metadata();
    const run = async (name: string, ...flags: string[]) => {
      const r = await runCli([
        'cutout',
        input,
        '--out',
        path.join(work.dir, 'opts-out'),
        '--name',
        name,
        ...flags,
        '--profile',
        profile,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return path.join(work.dir, 'opts-out', `${name}.png`);
    };
    const canvas = await sharp(await run('canvas', '--canvas', '400x300@0.8', '--shadow')).stats();
    expect(canvas.isOpaque).toBe(true); // a canvas has an opaque (white) background
    expect((await sharp(await run('canvas2', '--canvas', '400x300')).metadata()).width).toBe(400);
    const red = await sharp(await run('red', '--bg', '#ff0000')).stats();
    expect(red.isOpaque).toBe(true);
    expect(red.channels[0]?.max).toBe(255);
    const trimmed = await sharp(await run('trim', '--trim', '4')).metadata();
    expect((trimmed.width ?? 0) * (trimmed.height ?? 0)).toBeLessThan(
      (inMeta.width ?? 0) * (inMeta.height ?? 0),
    );
    const hard = await sharp(await run('hard', '--edges', 'hard', '--no-refine'))
      .extractChannel(3)
      .raw()
      .toBuffer();
    expect(hard.every((v) => v === 0 || v === 255)).toBe(true);
    const mask = await sharp(await run('mask', '--mask-only')).metadata();
    expect([mask.width, mask.hasAlpha]).toEqual([inMeta.width, false]);
  });

  it('mirrors the folder tree with --recursive', async () => {
    const profile = freshProfile();
    const root = path.join(work.dir, 'tree');
    await smallPhoto('car-1', path.join(root, 'top.jpg'), 160);
    await smallPhoto('cloth-1', path.join(root, 'a', 'b', 'deep.jpg'), 160);
    const out = path.join(work.dir, 'tree-out');
    const flat = await runCli(['cutout', root, '--out', out, '--profile', profile, '--json']);
    expect(flat.json.map((j) => path.relative(out, j.output as string))).toEqual(['top.png']);
    const deep = await runCli([
      'cutout',
      root,
      '--out',
      out,
      '--recursive',
      '--profile',
      profile,
      '--format',
      'jpeg',
    ]);
    expect(deep.code, deep.stderr).toBe(0);
    expect(existsSync(path.join(out, 'a', 'b', 'deep.jpg'))).toBe(true);
    expect(existsSync(path.join(out, 'top.jpg'))).toBe(true);
  });
});

describe('atelier cutout: a folder that does not exist', () => {
  it("the README's example on a fresh clone (no photos/): says so, exits 2, records nothing", async () => {
    const profile = freshProfile();
    const r = await runCli(
      ['cutout', 'photos/', '--out', path.join(work.dir, 'cut'), '-r', '--profile', profile],
      { cwd: work.dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no such file or folder: ${path.join(work.dir, 'photos')}`);
    expect(r.stderr).toContain('Nothing was processed or recorded');
    // No batch either: the profile's database was never created.
    expect(existsSync(path.join(profile, 'atelier.db'))).toBe(false);
    const history = await runCli(['history', 'list', '--json', '--profile', profile]);
    expect(history.stdout + history.stderr).not.toMatch(/photos/);
  });
});
