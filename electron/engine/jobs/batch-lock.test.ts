import { spawn, type ChildProcess } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTime } from '../process-identity';
import { tempDir } from '../testing/fixtures';
import { BatchLocks } from './batch-lock';

describe('batch locks', () => {
  const { dir, cleanup } = tempDir('atelier-locks-');
  let unrelated: ChildProcess;
  beforeAll(async () => {
    // A live process that has nothing to do with Atelier, standing in for a reused pid.
    unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((r) => unrelated.once('spawn', r));
  });
  afterAll(() => {
    unrelated.kill('SIGKILL');
    cleanup();
  });

  it('finding 18: a lock whose pid now belongs to an unrelated process does not block resume', () => {
    const pid = unrelated.pid!;
    const locks = new BatchLocks(dir);
    const lock = (id: string) => path.join(dir, `batch-${id}.lock`);
    const start = processStartTime(pid);
    if (start === undefined) {
      console.log(
        `finding 18 (pid reuse) not checked: ${process.platform} does not report process start times`,
      );
      return;
    }
    // Written by an earlier Atelier (another start time) whose pid the OS gave to `sleep`.
    writeFileSync(lock('a'), JSON.stringify({ pid, start: start - 3_600_000 }));
    expect(locks.holder('a')).toBeUndefined();
    locks.acquire('a')();
    // The bare-pid format of older versions, written an hour before that process started.
    writeFileSync(lock('b'), String(pid));
    const anHourBefore = (Date.now() - 3_600_000) / 1000;
    utimesSync(lock('b'), anHourBefore, anHourBefore);
    expect(locks.holder('b')).toBeUndefined();
    expect(() => locks.acquire('b')).not.toThrow();
    // The same process that wrote the lock, still running: it keeps its batch.
    writeFileSync(lock('c'), JSON.stringify({ pid, start }));
    expect(locks.holder('c')).toBe(pid);
    expect(() => locks.acquire('c')).toThrow(`being run by another Atelier process (pid ${pid})`);
    // A pid that is gone.
    writeFileSync(lock('d'), JSON.stringify({ pid: 2 ** 22 + 12345, start }));
    expect(locks.holder('d')).toBeUndefined();
  });
});
