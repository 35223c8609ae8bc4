/**
 * Test-only: a real batch (JobQueue over the profile's SQLite store, the account's real TokenGate)
 * whose operation copies a small PNG with stage delays, so quota and balance tests isolate the gate
 * and the queue from model speed. Used in-process and by quota-batch-child.ts (a second process on the
 * same profile). Not imported by product code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { storeLedger } from '../account/store-ledger';
import { TokenGate, type WalletAccount } from '../account/wallet';
import { tokenGateCharges } from '../jobs/charges';
import { JobQueue } from '../jobs/queue';
import { StoreJournal } from '../jobs/store-journal';
import type { BoundOperation } from '../operations/types';
import type { PinnedKey } from '../account/statement';
import type { Store } from '../store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function writeInputs(dir: string, count: number, prefix = 'p'): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `${prefix}${i}.png`);
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i * 20, g: 10, b: 200 } } })
      .png()
      .toFile(file);
    inputs.push(file);
  }
  return inputs;
}

const copyOp: BoundOperation = {
  name: 'cutout',
  params: { model: 'copy' },
  model: 'copy',
  format: 'png',
  async decode(input) {
    await sleep(5);
    return readFileSync(input);
  },
  async process(bytes) {
    await sleep(40);
    return {
      value: bytes,
      provider: { requested: 'cpu', used: 'cpu', attempts: [{ provider: 'cpu', ok: true }] },
    };
  },
  async encode(bytes, output) {
    writeFileSync(output, bytes as Buffer);
    return bytes as Buffer;
  },
};

export async function runQuotaBatch(
  store: Store,
  account: WalletAccount,
  inputs: readonly string[],
  outDir: string,
  pinnedKeys: readonly PinnedKey[] = [],
) {
  mkdirSync(outDir, { recursive: true });
  const gate = new TokenGate(storeLedger(store.db), account, pinnedKeys);
  const queue = new JobQueue({
    journal: new StoreJournal(store.batches),
    bind: () => copyOp,
    acceleration: 'cpu',
    cores: 2,
    charges: tokenGateCharges(gate),
  });
  const run = queue.start({
    operation: 'cutout',
    params: { model: 'copy' },
    outputDir: outDir,
    items: inputs.map((input) => ({
      input,
      output: path.join(outDir, path.basename(input)),
      status: 'pending' as const,
    })),
  });
  const outcome = await run.finished;
  return {
    done: outcome.results.filter((r) => r.status === 'done').length,
    cancelled: outcome.results.filter((r) => r.status === 'cancelled').length,
    failed: outcome.results.filter((r) => r.status === 'failed').length,
    refused: outcome.results.filter((r) => r.error?.code === 'INSUFFICIENT_TOKENS').length,
  };
}
