import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../testing/fixtures';
import { Store } from '../store';

const here = path.dirname(fileURLToPath(import.meta.url));
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** Starts the writer and SIGKILLs it once it has committed `after` generations (plus a random few ms). */
function runAndKill(dbFile: string, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'sigkill-writer.child.ts'), dbFile],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let committed = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const counts = d.toString().trim().split('\n').map(Number);
      committed = Math.max(committed, ...counts);
      if (committed >= after && !child.killed) setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('durability', () => {
  it('a writer killed with SIGKILL mid-batch leaves a sound database with only whole generations', async () => {
    const { dir, cleanup } = tempDir('atelier-sigkill-');
    cleanups.push(cleanup);
    const dbFile = path.join(dir, 'atelier.db');
    let previous = 0;
    for (let round = 0; round < 6; round++) {
      const committed = await runAndKill(dbFile, 6);
      const store = Store.open({ database: dbFile });
      try {
        const db = store.db;
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const generations = db.prepare('SELECT count(*) FROM generations').pluck().get() as number;
        // Everything the child reported as committed survived (WAL + synchronous=NORMAL keeps commits
        // across a process kill); at most the one in flight may be missing.
        expect(generations).toBeGreaterThanOrEqual(previous + committed);
        const incomplete = db
          .prepare(
            `SELECT count(*) FROM generations g
             LEFT JOIN images i ON i.id = g.input_image_id LEFT JOIN images o ON o.id = g.output_image_id
             LEFT JOIN token_debits d ON d.generation_id = g.id
             WHERE i.id IS NULL OR o.id IS NULL OR d.id IS NULL OR length(i.data_base64) <> 400000
               OR length(o.data_base64) <> 400000`,
          )
          .pluck()
          .get();
        expect(incomplete).toBe(0);
        const orphanImages = db
          .prepare(
            `SELECT count(*) FROM images i WHERE NOT EXISTS
               (SELECT 1 FROM generations g WHERE g.input_image_id = i.id OR g.output_image_id = i.id)`,
          )
          .pluck()
          .get();
        expect(orphanImages).toBe(0);
        // Batch items are done exactly when their generation exists.
        const mismatched = db
          .prepare(`SELECT count(*) FROM batch_items WHERE (status = 'done') <> (generation_id IS NOT NULL)`)
          .pluck()
          .get();
        expect(mismatched).toBe(0);
        const quotaUses = db.prepare('SELECT coalesce(sum(used), 0) FROM free_quota').pluck().get() as number;
        const direct = db.prepare('SELECT count(*) FROM generations WHERE batch_id IS NULL').pluck().get();
        expect(quotaUses).toBe(direct);
        previous = generations;
      } finally {
        store.close();
      }
    }
  }, 120_000);
});
