/**
 * One process at a time per batch. A batch being run (by the CLI, the app or a watch) holds a lock
 * file naming its process (pid and start time); `--resume` in another process refuses it while that
 * process lives, so no item is run twice. A lock left by a killed process is taken over, also when its
 * pid has since been given to an unrelated process (see process-identity.ts).
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';
import { currentProcess, stillRunning, type ProcessIdentity } from '../process-identity';

export class BatchLocks {
  constructor(private readonly dir: string) {}

  private file(batchId: string): string {
    return path.join(this.dir, `batch-${batchId}.lock`);
  }

  /** The live process holding `batchId`, if any (not this one). */
  holder(batchId: string): number | undefined {
    let owner: ProcessIdentity;
    let writtenAt: number;
    try {
      const text = readFileSync(this.file(batchId), 'utf8').trim();
      writtenAt = statSync(this.file(batchId)).mtimeMs;
      // Older versions wrote the bare pid.
      owner = text.startsWith('{') ? (JSON.parse(text) as ProcessIdentity) : { pid: Number(text) };
    } catch {
      return undefined;
    }
    if (owner.pid === process.pid) return undefined;
    return stillRunning(owner, writtenAt) ? owner.pid : undefined;
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
    writeFileSync(this.file(batchId), JSON.stringify(currentProcess()));
    return () => rmSync(this.file(batchId), { force: true });
  }
}
