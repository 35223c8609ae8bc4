/**
 * Interrupted batches: Ctrl-C (cancel) and SIGKILL mid-batch, then `--resume`. No item may be lost
 * or done twice, and the history (the store's generations) must match the items exactly.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../store';
import { profilePaths } from '../../profile';
import { FIXTURE_PHOTOS, tempDir } from '../../testing/fixtures';
import { buildCli, finished, parseJsonLines, runCli, smallPhoto, startCli } from './harness';

const work = tempDir('atelier-resume-cli-');
beforeAll(() => buildCli());
afterAll(() => work.cleanup());

async function photoFolder(name: string, count: number): Promise<string> {
  const dir = path.join(work.dir, name);
  for (let i = 0; i < count; i++) {
    const photo = FIXTURE_PHOTOS[i % FIXTURE_PHOTOS.length] ?? 'car-1';
    await smallPhoto(photo, path.join(dir, `${String(i).padStart(2, '0')}-${photo}.jpg`), 360);
  }
  return dir;
}

/** Starts a batch and interrupts it with `signal` once `after` items have finished. */
async function interrupted(args: string[], signal: NodeJS.Signals, after: number) {
  // One pool thread, so the items in flight (at most inference + I/O + pool threads + 1 = 4) are as
  // many on a 16-core machine as on CI's two cores.
  const child = startCli([...args, '--json'], { env: { ATELIER_WORKERS: '1' } });
  let seen = 0;
  let sent = false;
  child.stdout?.on('data', (d: Buffer) => {
    seen += parseJsonLines(d.toString()).length;
    if (!sent && seen >= after) {
      sent = true;
      child.kill(signal);
    }
  });
  return finished(child);
}

function history(profile: string, batchId: string) {
  const store = Store.open(profilePaths(profile));
  try {
    const items = store.batches.items(batchId);
    const generations = store.db
      .prepare(
        'SELECT input_name AS name, count(*) AS n FROM generations WHERE batch_id = ? GROUP BY input_name',
      )
      .all(batchId) as { name: string; n: number }[];
    return { items, generations, batch: store.batches.getBatch(batchId) };
  } finally {
    store.close();
  }
}

describe('interrupted batches resume without losing or repeating items', () => {
  it('SIGKILL mid-batch, then --resume: every item done exactly once, history consistent', async () => {
    const input = await photoFolder('kill-in', 8);
    const out = path.join(work.dir, 'kill-out');
    const profile = path.join(work.dir, 'kill-profile');
    const first = await interrupted(['cutout', input, '--out', out, '--profile', profile], 'SIGKILL', 2);
    expect(first.code).toBe(null); // killed
    const doneFirst = first.json.filter((j) => j.status === 'done').map((j) => j.input);
    expect(doneFirst.length).toBeGreaterThanOrEqual(2);
    expect(doneFirst.length).toBeLessThan(8);

    const resumed = await runCli(['cutout', '--resume', '--profile', profile, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const doneSecond = resumed.json.filter((j) => j.status === 'done').map((j) => j.input);
    // Nothing finished in the first run is redone; together they cover every photo once.
    for (const f of doneSecond) expect(doneFirst).not.toContain(f);
    expect(new Set([...doneFirst, ...doneSecond]).size).toBe(8);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(8);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toHaveLength(0);
    expect(resumed.stderr).toMatch(/8 done, 0 failed/);

    const batchId = /batch ([0-9a-f-]{36})/.exec(resumed.stderr)?.[1] ?? '';
    const h = history(profile, batchId);
    expect(h.batch.status).toBe('done');
    expect(h.items.every((i) => i.status === 'done' && i.generationId !== null)).toBe(true);
    expect(h.generations).toHaveLength(8);
    expect(h.generations.every((g) => g.n === 1)).toBe(true);
  });

  it('Ctrl-C stops after the images in progress, says how to resume, and --resume ID finishes', async () => {
    // Ten photos (the free quota): up to four are in flight when the signal lands, and finish; with six,
    // the batch could finish before Ctrl-C was heard (faster inference made it happen), leaving nothing
    // to resume.
    const input = await photoFolder('cancel-in', 10);
    const out = path.join(work.dir, 'cancel-out');
    const profile = path.join(work.dir, 'cancel-profile');
    const first = await interrupted(['cutout', input, '--out', out, '--profile', profile], 'SIGINT', 1);
    expect(first.code).toBe(2);
    const batchId = /--resume ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
    expect(batchId, first.stderr).toBeDefined();
    const cancelled = first.json.filter((j) => j.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(history(profile, batchId ?? '').batch.status).toBe('cancelled');

    const resumed = await runCli(['cutout', '--resume', batchId ?? '', '--profile', profile, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const doneFirst = first.json.filter((j) => j.status === 'done').map((j) => j.input);
    const doneSecond = resumed.json.filter((j) => j.status === 'done').map((j) => j.input);
    expect(new Set([...doneFirst, ...doneSecond]).size).toBe(10);
    expect(doneFirst.length + doneSecond.length).toBe(10);
    const h = history(profile, batchId ?? '');
    expect(h.generations).toHaveLength(10);
    expect(h.batch.status).toBe('done');
  });

  it('--resume ID --retry runs the failed items again once they are fixed', async () => {
    const dir = path.join(work.dir, 'retry-in');
    const good = await smallPhoto('car-1', path.join(dir, 'good.jpg'), 200);
    const broken = path.join(dir, 'later.jpg');
    writeFileSync(broken, 'not yet a photo');
    const profile = path.join(work.dir, 'retry-profile');
    const out = path.join(work.dir, 'retry-out');
    const first = await runCli(['cutout', good, broken, '--out', out, '--profile', profile]);
    expect(first.code).toBe(2);
    const batchId = /batch ([0-9a-f-]{36})/.exec(first.stderr)?.[1] ?? '';
    await smallPhoto('cloth-1', broken, 200);
    const retried = await runCli(['cutout', '--resume', batchId, '--retry', '--profile', profile, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.json.map((j) => [j.input, j.status])).toEqual([[broken, 'done']]);
    expect(retried.stderr).toMatch(/2 done, 0 failed/);
    expect(history(profile, batchId).generations).toHaveLength(2);
  });

  it('--resume with nothing to resume is a clear error', async () => {
    const r = await runCli(['cutout', '--resume', '--profile', path.join(work.dir, 'empty-profile')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no unfinished batch to resume/);
  });
});
