/**
 * The quota and the balance under real batches (JobQueue, TokenGate, the profile's SQLite store on
 * disk): exactly N generations made and charged when N are allowed, whether the batch is larger than
 * the allowance (finding 13) or two processes run batches on one profile at once (finding 14).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { profilePaths } from '../profile';
import { ANONYMOUS_ACCOUNT_ID, Store } from '../store';
import { testSigner } from '../testing/account-signer';
import { tempDir } from '../testing/fixtures';
import { runQuotaBatch, writeInputs } from '../testing/quota-batch';
import { storeLedger } from './store-ledger';
import { localDay } from './wallet';

const here = path.dirname(fileURLToPath(import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function profile() {
  const t = tempDir('atelier-quota-');
  cleanups.push(t.cleanup);
  mkdirSync(path.join(t.dir, 'profile'));
  return { dir: t.dir, profileDir: path.join(t.dir, 'profile') };
}

function generationsMade(store: Store, accountId: string): number {
  return store.db
    .prepare("SELECT count(*) FROM generations WHERE account_id = ? AND status = 'done'")
    .pluck()
    .get(accountId) as number;
}

describe('quota and balance under batches', () => {
  it('finding 13: an anonymous batch of 12 against the 10-a-day quota makes exactly 10, the admitted ones all finish', async () => {
    const p = profile();
    const inputs = await writeInputs(path.join(p.dir, 'in'), 12);
    const store = Store.open(profilePaths(p.profileDir));
    try {
      const counts = await runQuotaBatch(
        store,
        { kind: 'anonymous', localId: ANONYMOUS_ACCOUNT_ID },
        inputs,
        path.join(p.dir, 'out'),
      );
      expect(counts).toMatchObject({ done: 10, cancelled: 2, failed: 0 });
      expect(counts.refused).toBeGreaterThan(0);
      expect(storeLedger(store.db).quotaUsed(ANONYMOUS_ACCOUNT_ID, localDay(new Date()))).toBe(10);
      expect(generationsMade(store, ANONYMOUS_ACCOUNT_ID)).toBe(10);
      expect(storeLedger(store.db).reservations(ANONYMOUS_ACCOUNT_ID)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('finding 13: a signed-in batch of 9 against a balance of 6 tokens makes exactly 6 and charges 6', async () => {
    const p = profile();
    const inputs = await writeInputs(path.join(p.dir, 'in'), 9);
    const store = Store.open(profilePaths(p.profileDir));
    const signer = testSigner();
    try {
      const row = store.signIn('srv-1', 'a@example.com');
      const s = signer.issue({ accountId: 'srv-1', balance: 6, seq: 1 });
      const payload = JSON.parse(Buffer.from(s.payload, 'base64url').toString()) as { validUntil: string };
      storeLedger(store.db).saveStatement(row.id, {
        ...s,
        seq: 1,
        balance: 6,
        validUntil: payload.validUntil,
      });
      const counts = await runQuotaBatch(
        store,
        { kind: 'signed_in', localId: row.id, serverId: 'srv-1' },
        inputs,
        path.join(p.dir, 'out'),
        [signer.pinned],
      );
      expect(counts).toMatchObject({ done: 6, cancelled: 3, failed: 0 });
      const pending = storeLedger(store.db).pendingDebits(row.id);
      expect(pending.reduce((sum, d) => sum + d.tokens, 0)).toBe(6);
      expect(generationsMade(store, row.id)).toBe(6);
    } finally {
      store.close();
    }
  });

  it('finding 14: two processes running batches on one profile at once never exceed the 10-a-day quota', async () => {
    const p = profile();
    Store.open(profilePaths(p.profileDir)).close(); // create and migrate the profile once
    const runChild = async (prefix: string) => {
      const inputs = await writeInputs(path.join(p.dir, `in-${prefix}`), 8, prefix);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(here, '../testing/quota-batch-child.ts')],
        {
          env: {
            ...process.env,
            QUOTA_CHILD_PROFILE: p.profileDir,
            QUOTA_CHILD_INPUTS: inputs.join(path.delimiter),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code, stderr).toBe(0);
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { done: number; cancelled: number };
    };
    const [a, b] = await Promise.all([runChild('a'), runChild('b')]);
    expect(a.done + b.done).toBe(10);
    expect(a.cancelled + b.cancelled).toBe(6);
    const store = Store.open(profilePaths(p.profileDir));
    try {
      expect(storeLedger(store.db).quotaUsed(ANONYMOUS_ACCOUNT_ID, localDay(new Date()))).toBe(10);
      expect(generationsMade(store, ANONYMOUS_ACCOUNT_ID)).toBe(10);
      expect(storeLedger(store.db).reservations(ANONYMOUS_ACCOUNT_ID)).toEqual([]);
    } finally {
      store.close();
    }
  }, 120_000);
});
