/**
 * The job queue over the real store (SQLite on disk): progress with ETA, pause / resume, cancel then
 * resume from the journal in a new queue (as after a restart), retry of failed items, and the
 * history holding exactly one generation per finished item. The operation here copies a real PNG
 * (with stage delays) so the test isolates the queue from model speed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { writeFileAtomic } from '../operations/atomic-write';
import type { BoundOperation } from '../operations/types';
import { profilePaths } from '../profile';
import { storeLedger } from '../account/store-ledger';
import { TokenGate, localDay } from '../account/wallet';
import { ANONYMOUS_ACCOUNT_ID, Store } from '../store';
import { tempDir } from '../testing/fixtures';
import type { BatchProgress } from './progress';
import { BatchLocks } from './batch-lock';
import { tokenGateCharges } from './charges';
import { JobQueue } from './queue';
import { StoreJournal } from './store-journal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup(count: number) {
  const t = tempDir('atelier-queue-');
  cleanups.push(t.cleanup);
  const inDir = path.join(t.dir, 'in');
  mkdirSync(inDir);
  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(inDir, `p${i}.png`);
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i * 20, g: 10, b: 200 } } })
      .png()
      .toFile(file);
    inputs.push(file);
  }
  const broken = new Set<string>();
  const copyOp: BoundOperation = {
    name: 'cutout',
    params: { model: 'copy' },
    model: 'copy',
    format: 'png',
    async decode(input) {
      await sleep(5);
      if (broken.has(input))
        throw new AtelierError('CORRUPT_IMAGE', `Corrupt image: ${input}`, { file: input });
      return readFileSync(input);
    },
    async process(bytes) {
      await sleep(25);
      return {
        value: bytes,
        provider: { requested: 'cpu', used: 'cpu', attempts: [{ provider: 'cpu', ok: true }] },
      };
    },
    async encode(bytes, output) {
      await writeFileAtomic(output, bytes as Buffer);
      return bytes as Buffer;
    },
  };
  const open = (options: { quota?: boolean } = {}) => {
    const store = Store.open(profilePaths(t.dir));
    const gate = new TokenGate(
      storeLedger(store.db),
      { kind: 'anonymous', localId: ANONYMOUS_ACCOUNT_ID },
      [],
    );
    const queue = new JobQueue({
      journal: new StoreJournal(store.batches),
      bind: () => copyOp,
      acceleration: 'cpu',
      cores: 2,
      ...(options.quota ? { charges: tokenGateCharges(gate) } : {}),
    });
    return { store, queue };
  };
  const spec = {
    operation: 'cutout' as const,
    params: { model: 'copy' },
    outputDir: path.join(t.dir, 'out'),
    items: inputs.map((input) => ({
      input,
      output: path.join(t.dir, 'out', path.basename(input)),
      status: 'pending' as const,
    })),
  };
  return { dir: t.dir, inputs, broken, open, spec, op: copyOp };
}

function generationsPerInput(store: Store, batchId: string): number[] {
  return (
    store.db
      .prepare('SELECT count(*) AS n FROM generations WHERE batch_id = ? GROUP BY input_name')
      .all(batchId) as {
      n: number;
    }[]
  ).map((r) => r.n);
}

describe('JobQueue', () => {
  it('reports progress with an ETA, pauses and resumes', async () => {
    const s = await setup(8);
    const { store, queue } = s.open();
    const run = queue.start(s.spec);
    const seen: BatchProgress[] = [];
    run.on('progress', (p) => seen.push(p));
    const inferring = new Set<string>();
    const ended = new Set<string>();
    run.on('item', (e) => {
      if (e.stage === 'process' || e.stage === 'encode') inferring.add(e.itemId);
      if (e.stage === 'finished') ended.add(e.itemId);
    });
    const pausedNow = new Promise<void>((resolve) =>
      run.on('item', (e) => {
        if (e.stage === 'finished' && run.progress.done === 2) {
          run.pause();
          resolve();
        }
      }),
    );
    await pausedNow;
    // Items already past the gate into inference still finish: wait on their events, not a fixed time.
    await expect.poll(() => [...inferring].every((id) => ended.has(id))).toBe(true);
    const paused = run.progress;
    const inferredWhilePaused = inferring.size;
    expect(paused.paused).toBe(true);
    expect(store.batches.getBatch(run.batch.id).status).toBe('paused');
    // The one window that has to be time: showing no new item starts inference while paused.
    await sleep(100);
    expect(run.progress.done).toBe(paused.done);
    expect(inferring.size).toBe(inferredWhilePaused);
    run.resume();
    const outcome = await run.finished;
    expect(outcome.progress).toMatchObject({ total: 8, done: 8, failed: 0, fraction: 1 });
    expect(seen.some((p) => p.etaMs !== undefined && p.etaMs > 0)).toBe(true);
    expect(store.batches.getBatch(run.batch.id).status).toBe('done');
    expect(generationsPerInput(store, run.batch.id)).toEqual(Array(8).fill(1));
    store.close();
  });

  it('cancel leaves the rest pending; a new queue (a restart) resumes only those', async () => {
    const s = await setup(10);
    const first = s.open();
    const run = first.queue.start(s.spec);
    run.on('item', (e) => {
      if (e.stage === 'finished' && run.progress.done === 3) run.cancel();
    });
    const outcome = await run.finished;
    const doneFirst = outcome.results.filter((r) => r.status === 'done').length;
    expect(doneFirst).toBeGreaterThanOrEqual(3);
    expect(doneFirst).toBeLessThan(10);
    expect(first.store.batches.getBatch(run.batch.id).status).toBe('cancelled');
    first.store.close();

    const second = s.open();
    const again = second.queue.resume();
    expect(again.batch.id).toBe(run.batch.id);
    const rest = await again.finished;
    expect(rest.results.filter((r) => r.status === 'done')).toHaveLength(10 - doneFirst);
    expect(rest.progress).toMatchObject({ total: 10, done: 10 });
    expect(generationsPerInput(second.store, run.batch.id)).toEqual(Array(10).fill(1));
    second.store.close();
  });

  it('isolates failed items and retries only them', async () => {
    const s = await setup(4);
    const target = s.inputs[1] ?? '';
    s.broken.add(target);
    const { store, queue } = s.open();
    const run = queue.start(s.spec);
    const outcome = await run.finished;
    expect(outcome.results.map((r) => r.status).sort()).toEqual(['done', 'done', 'done', 'failed']);
    expect(store.batches.items(run.batch.id).find((i) => i.inputPath === target)?.error).toMatch(
      /Corrupt image/,
    );

    s.broken.clear();
    await rm(path.join(s.dir, 'out', 'p0.png'));
    const retry = queue.retryFailed(run.batch.id);
    const retried = await retry.finished;
    // Only the failed item runs again (p0's deleted output is not redone: it was finished).
    expect(retried.results.map((r) => r.input)).toEqual([target]);
    expect(existsSync(path.join(s.dir, 'out', 'p0.png'))).toBe(false);
    expect(generationsPerInput(store, run.batch.id)).toEqual([1, 1, 1, 1]);
    store.close();
  });

  it('authorizes each item with the token gate before it runs: the free quota stops the batch cleanly', async () => {
    const s = await setup(12);
    const { store, queue } = s.open({ quota: true });
    const run = queue.start(s.spec);
    const outcome = await run.finished;
    const done = outcome.results.filter((r) => r.status === 'done');
    const stopped = outcome.results.filter((r) => r.status === 'cancelled');
    const quota = storeLedger(store.db).quotaUsed(ANONYMOUS_ACCOUNT_ID, localDay(new Date()));
    expect(quota).toBeGreaterThan(0);
    expect(done.length).toBe(quota);
    expect(done.length + stopped.length).toBe(12);
    expect(stopped.some((r) => r.error?.code === 'INSUFFICIENT_TOKENS')).toBe(true);
    // Refused images were never processed (no output) and stay pending for a resume.
    for (const r of stopped) expect(existsSync(r.output)).toBe(false);
    expect(store.batches.getBatch(run.batch.id)).toMatchObject({
      status: 'cancelled',
      counts: { done: quota, pending: 12 - quota, failed: 0 },
    });
    store.close();
  });

  it('refuses to resume a batch another live process is running, and takes over a dead one’s', async () => {
    const s = await setup(3);
    const locks = new BatchLocks(path.join(s.dir, 'locks'));
    const store = Store.open(profilePaths(s.dir));
    const queue = new JobQueue({
      journal: new StoreJournal(store.batches),
      bind: () => s.op,
      acceleration: 'cpu',
      cores: 2,
      locks,
    });
    const run = queue.start(s.spec);
    expect(queue.running(run.batch.id)).toBe(run);
    expect(() => queue.retryFailed(run.batch.id)).toThrow(/still running/);
    run.cancel();
    await run.finished;
    expect(queue.running(run.batch.id)).toBeUndefined();
    // Another process (this test's parent, alive) holds the batch: resume must refuse it.
    writeFileSync(path.join(s.dir, 'locks', `batch-${run.batch.id}.lock`), String(process.ppid));
    expect(() => queue.resume(run.batch.id)).toThrow(/being run by another Atelier process/);
    expect(() => queue.resume()).toThrow(/no unfinished batch/);
    // A lock left by a process that no longer exists is taken over.
    writeFileSync(path.join(s.dir, 'locks', `batch-${run.batch.id}.lock`), '999999999');
    const resumed = await queue.resume().finished;
    expect(resumed.progress).toMatchObject({ total: 3, done: 3 });
    store.close();
  });

  it('resume without an unfinished batch is a clear error', async () => {
    const s = await setup(0);
    const { store, queue } = s.open();
    expect(() => queue.resume()).toThrow(/no unfinished batch/);
    store.close();
  });
});
