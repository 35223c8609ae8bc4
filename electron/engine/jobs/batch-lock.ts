/**
 * One process at a time per batch. A batch being run (by the CLI, the app or a watch) holds a lock
 * file naming its process; `--resume` in another process refuses it while that process lives, so no
 * item is run twice. A lock left by a killed process (its PID is gone) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';

export class BatchLocks {
  constructor(private readonly dir: string) {}

  private file(batchId: string): string {
    return path.join(this.dir, `batch-${batchId}.lock`);
  }

  /** The live process holding `batchId`, if any (not this one). */
  holder(batchId: string): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.file(batchId), 'utf8').trim());
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
    return isAlive(pid) ? pid : undefined;
  }

  /** Takes the lock or throws naming the process that has the batch. Returns the release function. */
  acquire(batchId: string): () => void {
    const holder = this.holder(batchId);
    if (holder !== undefined) {
      throw new AtelierError(
        'USAGE',
        `Batch ${batchId} is being run by another Atelier process (pid ${holder})`,
        {
          hint: 'wait for it to finish, or stop it first (Ctrl-C there) and resume here',
        },
      );
    }
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file(batchId), String(process.pid));
    return () => rmSync(this.file(batchId), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
