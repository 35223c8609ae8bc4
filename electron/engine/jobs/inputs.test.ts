import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { expandInputs } from './inputs';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tree(): string {
  const t = tempDir('atelier-inputs-');
  cleanups.push(t.cleanup);
  for (const f of ['a.jpg', 'notes.txt', '.hidden.png', 'sub/b.png', 'sub/deeper/c é.webp']) {
    mkdirSync(path.dirname(path.join(t.dir, f)), { recursive: true });
    writeFileSync(path.join(t.dir, f), 'x');
  }
  return t.dir;
}

describe('expandInputs', () => {
  it('round 3, same shape as finding 1: a tree past the walk budget is one clear error, not minutes of reading', () => {
    const dir = tree(); // 5 files and 2 folders, 9 entries in all (hidden ones count: they are read)
    const refused = expandInputs([dir], { recursive: true, maxEntries: 6 });
    expect(refused.files).toEqual([]);
    expect(refused.missing.map((m) => [m.file, m.error.code])).toEqual([[dir, 'USAGE']]);
    expect(refused.missing[0]!.error.message).toBe(
      `The folder ${dir} holds more than 6 files and folders to look through`,
    );
    expect(expandInputs([dir], { recursive: true, maxEntries: 9 }).files).toHaveLength(3);
  });

  it('lists a folder’s images, recursively only when asked, with their folder relative to the root', () => {
    const dir = tree();
    expect(expandInputs([dir], { recursive: false }).files.map((f) => path.relative(dir, f.file))).toEqual([
      'a.jpg',
    ]);
    const deep = expandInputs([dir], { recursive: true }).files;
    expect(deep.map((f) => [path.relative(dir, f.file), f.relativeDir])).toEqual([
      ['a.jpg', ''],
      ['sub/b.png', 'sub'],
      [path.join('sub', 'deeper', 'c é.webp'), path.join('sub', 'deeper')],
    ]);
  });

  it('keeps files named explicitly whatever their extension, reports missing paths, and dedupes', () => {
    const dir = tree();
    const link = path.join(dir, 'link.jpg');
    symlinkSync(path.join(dir, 'a.jpg'), link);
    const { files, missing } = expandInputs(
      [path.join(dir, 'notes.txt'), path.join(dir, 'a.jpg'), link, path.join(dir, 'nope.jpg'), dir],
      { recursive: false },
    );
    expect(files.map((f) => path.basename(f.file))).toEqual(['notes.txt', 'a.jpg']);
    expect(files[1]?.note).toBe('given 3 times, processed once');
    expect(missing).toHaveLength(1);
    expect(missing[0]?.error.code).toBe('NOT_FOUND');
    expect(missing[0]?.error.message).toContain('nope.jpg');
  });
});
