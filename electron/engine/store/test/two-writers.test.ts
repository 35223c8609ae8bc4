/**
 * Two processes on one profile (the app and the CLI, or two batches): a write that starts while the
 * other holds the write lock waits for it (busy_timeout) instead of failing with "database is locked".
 * The other writer is a worker thread with its own connection, holding the lock for a moment.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS_ACCOUNT_ID } from '../index';
import { setSetting, getSetting } from '../settings';
import { openTempStore } from './helpers';

const require = createRequire(import.meta.url);
const cleanups: (() => void | Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Another connection takes the write lock, writes, holds it for `holdMs`, then commits. */
function otherWriter(dbFile: string, holdMs: number): { locked: Promise<void>; done: Promise<void> } {
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.dbFile);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO settings (account_id, key, value_json) VALUES (NULL, 'other.writer', '1')").run();
    parentPort.postMessage('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
    db.exec('COMMIT');
    db.close();
    parentPort.postMessage('done');
    `,
    { eval: true, workerData: { dbFile, holdMs, module: require.resolve('better-sqlite3') } },
  );
  cleanups.push(() => worker.terminate());
  const message = (what: string) =>
    new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => m === what && resolve());
      worker.on('error', reject);
    });
  return { locked: message('locked'), done: message('done') };
}

describe('a second writer on the same profile', () => {
  it('appending batch items (read max(seq), then insert) waits for the other writer', async () => {
    const t = openTempStore();
    cleanups.push(t.cleanup);
    const batch = t.store.batches.createBatch({ operation: 'cutout', params: {}, outputDir: t.dir });
    t.store.batches.addBatchItems(batch.id, [{ inputPath: path.join(t.dir, 'a.png') }]);
    const other = otherWriter(t.dbFile, 400);
    await other.locked;
    // Synchronous: this blocks until the worker commits (a deferred transaction failed here at once).
    const rows = t.store.batches.addBatchItems(batch.id, [
      { inputPath: path.join(t.dir, 'b.png') },
      { inputPath: path.join(t.dir, 'c.png') },
    ]);
    await other.done;
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(getSetting(t.store.db, null, 'other.writer')).toBe(1);
  });

  it('signing in (look up the account, then insert it) waits for the other writer', async () => {
    const t = openTempStore();
    cleanups.push(t.cleanup);
    const other = otherWriter(t.dbFile, 400);
    await other.locked;
    const account = t.store.signIn('srv-two-writers', 'two@example.com');
    await other.done;
    expect(account.id).not.toBe(ANONYMOUS_ACCOUNT_ID);
    setSetting(t.store.db, null, 'after', true);
    expect(getSetting(t.store.db, null, 'after')).toBe(true);
  });
});
