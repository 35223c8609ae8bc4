/**
 * What a killed process leaves behind is cleaned up when the profile is next opened (issue 15,
 * finding 18): the deleted bytes of a deletion killed after its commit, and the `.partial` of a killed
 * export.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../store';
import { trackPartial } from '../partials';
import { repoRoot, tempDir } from '../../testing/fixtures';

const work = tempDir('atelier-leftovers-');
afterAll(() => work.cleanup());

function runKilled(...args: string[]) {
  mkdirSync(path.dirname(args[1]!), { recursive: true });
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'killed-leftovers.child.ts'), ...args],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(child.signal, child.stderr).toBe('SIGKILL');
}

const bytesOf = (file: string) => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0));

describe('leftovers of killed processes', () => {
  it('finding 18: a deletion killed after its commit is compacted when the profile next opens', () => {
    const dbFile = path.join(work.dir, 'delete', 'atelier.db');
    const marker = 'KILLED-DELETE-MARKER-5e2d';
    runKilled('delete', dbFile, marker);
    // The precondition: committed, not compacted, so the main file still holds the deleted rows.
    expect(bytesOf(dbFile).includes(marker)).toBe(true);
    const store = Store.open({ database: dbFile });
    try {
      expect(store.hasAccount('srv-ana')).toBe(false);
      // Right after opening (not only at some later close): gone from the file and its WAL.
      expect(bytesOf(dbFile).includes(marker)).toBe(false);
      expect(bytesOf(`${dbFile}-wal`).includes(marker)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('finding 18: the .partial of a killed export is swept when the profile next opens, a live one is kept', () => {
    const dbFile = path.join(work.dir, 'export', 'atelier.db');
    const dest = path.join(work.dir, 'history.zip');
    runKilled('export', dbFile, 'KILLED-EXPORT', dest);
    expect(existsSync(`${dest}.partial`)).toBe(true);
    // An export this (live) process is writing right now must survive another store opening.
    const live = path.join(work.dir, 'live.zip.partial');
    const untrack = trackPartial(path.dirname(dbFile), live);
    writeFileSync(live, 'in progress');
    Store.open({ database: dbFile }).close();
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(live)).toBe(true);
    untrack();
  });
});
