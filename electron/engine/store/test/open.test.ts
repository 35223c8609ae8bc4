import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../../errors';
import { fixturePhoto, repoRoot, tempDir } from '../../testing/fixtures';
import { Store } from '../store';
import { smallPhoto } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function profile(): { dir: string; dbFile: string } {
  const { dir, cleanup } = tempDir('atelier-open-');
  cleanups.push(cleanup);
  return { dir, dbFile: path.join(dir, 'atelier.db') };
}

function openError(dbFile: string): AtelierError {
  try {
    Store.open({ database: dbFile }).close();
  } catch (e) {
    if (e instanceof AtelierError) return e;
    throw e;
  }
  throw new Error('Store.open succeeded');
}

describe('opening bad database files', () => {
  it('refuses a JPEG renamed atelier.db and leaves it untouched', () => {
    const { dir, dbFile } = profile();
    copyFileSync(fixturePhoto('car-1'), dbFile);
    const before = readFileSync(dbFile);
    const err = openError(dbFile);
    expect(err.code).toBe('DATABASE');
    expect(err.message).toMatch(/Not an Atelier database \(not SQLite at all\): .*atelier\.db/);
    expect(err.hint).toMatch(/move this file away/);
    expect(readFileSync(dbFile).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['atelier.db']);
  });

  it("refuses another app's SQLite database and leaves it untouched", () => {
    const { dbFile } = profile();
    const other = new Database(dbFile);
    other.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello')",
    );
    other.close();
    const before = readFileSync(dbFile);
    const err = openError(dbFile);
    expect(err.code).toBe('DATABASE');
    expect(err.message).toMatch(/another application's SQLite file/);
    expect(readFileSync(dbFile).equals(before)).toBe(true);
  });

  it('refuses a database from a newer Atelier without touching it', async () => {
    const { dbFile } = profile();
    const store = Store.open({ database: dbFile });
    await store.recordGeneration({ operation: 'cutout', params: {}, status: 'failed' });
    store.db.pragma('user_version = 99');
    store.close();
    const before = readFileSync(dbFile);
    const err = openError(dbFile);
    expect(err.code).toBe('DATABASE');
    expect(err.message).toMatch(/newer Atelier \(schema 99/);
    expect(err.hint).toMatch(/update Atelier/);
    expect(readFileSync(dbFile).equals(before)).toBe(true);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });

  it('reports a truncated (corrupt) database as DATABASE, not a crash', async () => {
    const { dbFile } = profile();
    const store = Store.open({ database: dbFile });
    for (let i = 0; i < 5; i++) {
      await store.recordGeneration({
        operation: 'cutout',
        params: {},
        status: 'done',
        output: { bytes: await smallPhoto(64, i * 30) },
      });
    }
    store.close();
    const bytes = readFileSync(dbFile);
    // Keep the header page but scribble over the schema and data pages.
    writeFileSync(dbFile, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(bytes.length - 100, 0x5a)]));
    const err = openError(dbFile);
    expect(err.code).toBe('DATABASE');
    expect(err.message).toMatch(/atelier\.db/);
  });

  it('a full disk fails the write cleanly: nothing half-written, and writing works again after', async () => {
    const { dbFile } = profile();
    const store = Store.open({ database: dbFile });
    cleanups.push(() => store.close());
    const photo = await smallPhoto(64);
    await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: photo },
    });
    const pages = Number(store.db.pragma('page_count', { simple: true }));
    // SQLite's own size cap gives the same SQLITE_FULL a full disk does. The cap is the connection's, so
    // the record stays under the size that is written on a pool thread's own connection (record-port.ts);
    // the pool's path meets a real full disk in cli/test/batch-faults-cli.test.ts (finding 15).
    store.db.pragma(`max_page_count = ${pages + 2}`);
    const big = await smallPhoto(300);
    const err = await store
      .recordGeneration(
        { operation: 'cutout', params: {}, status: 'done', input: { bytes: big }, output: { bytes: big } },
        {
          id: 'debit-full',
          tokens: 1,
          operation: 'cutout',
        },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtelierError);
    expect((err as AtelierError).code).toBe('DATABASE');
    expect((err as AtelierError).message).toMatch(/Disk full/);
    expect(store.count()).toBe(1);
    expect(store.ledger.pendingDebits('local')).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(1);

    // The batch path too: the item stays pending, no generation is written.
    store.db.pragma('max_page_count = 1073741823');
    const batch = store.batches.createBatch({ operation: 'cutout', params: {}, outputDir: '/out' });
    const [item] = store.batches.addBatchItems(batch.id, [{ inputPath: '/in/a.jpg' }]);
    store.db.pragma(`max_page_count = ${Number(store.db.pragma('page_count', { simple: true })) + 2}`);
    await expect(
      store.batches.completeItemWithGeneration(item?.id ?? -1, {
        operation: 'cutout',
        params: {},
        status: 'done',
        input: { bytes: big },
        output: { bytes: big },
      }),
    ).rejects.toMatchObject({ code: 'DATABASE', message: expect.stringMatching(/Disk full/) as unknown });
    expect(store.batches.getItem(item?.id ?? -1).status).toBe('pending');
    expect(store.count()).toBe(1);
    store.db.pragma('max_page_count = 1073741823');
    await store.recordGeneration({ operation: 'cutout', params: {}, status: 'done', input: { bytes: big } });
    expect(store.count()).toBe(2);
    expect(store.integrityCheck()).toEqual([{ integrity_check: 'ok' }]);
  });

  // Root writes through permission bits, so as root the opener runs as user nobody, who must be able
  // to read the checkout (not the case when it lives under a private home folder).
  const asRoot = process.getuid?.() === 0;
  const nobodyCannotRead =
    asRoot &&
    spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(path.join(here, 'open-readonly.child.ts'))})`],
      {
        uid: 65534,
        gid: 65534,
      },
    ).status !== 0;
  if (nobodyCannotRead) {
    console.log('read-only profile test skipped: running as root and user nobody cannot read this checkout');
  }

  it.skipIf(nobodyCannotRead)('a read-only profile gives a DATABASE error naming the file', () => {
    const { dir, dbFile } = profile();
    Store.open({ database: dbFile }).close();
    chmodSync(dir, 0o555);
    chmodSync(dbFile, 0o444);
    cleanups.push(() => chmodSync(dir, 0o755));
    if (asRoot)
      console.log('read-only profile: running the opener as user nobody, since root ignores permission bits');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'open-readonly.child.ts'), dbFile],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}),
      },
    );
    const last = result.stdout.trim().split('\n').pop() ?? '';
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(last) as { error?: { code: string; message: string; hint?: string } };
    expect(parsed.error?.code).toBe('DATABASE');
    expect(parsed.error?.message).toMatch(/atelier\.db/);
    expect(parsed.error?.hint).toMatch(/writable/);
  });
});
