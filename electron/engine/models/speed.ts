/**
 * How fast each model runs on this computer, measured from real work: every finished cut-out or
 * stylize of a batch (app, serve or CLI) records its model time (the `process` stage: inference plus
 * the edge work at full resolution), and the Models page shows the median of the last few runs. The
 * first run of a session includes loading the model, so a median, not the last figure. Kept in the
 * store's machine-wide settings (not per account: the machine is what is measured).
 */
import type { BatchRun } from '../jobs/queue';
import type { OperationResult } from '../operations/types';
import type { Store } from '../store';
import { writeTurns } from '../store/write-turns';

const KEY = 'models.speed';
const SAMPLES = 5;

interface Measured {
  provider: string;
  samples: number[];
}
type SpeedTable = Record<string, Measured>;

export interface ModelSpeed {
  /** Median model time per photo, ms. */
  ms: number;
  provider: string;
  runs: number;
}

function read(store: Store): SpeedTable {
  const value = store.getSetting(KEY, null);
  return value && typeof value === 'object' ? (value as SpeedTable) : {};
}

export function recordModelSpeed(store: Store, result: OperationResult): void {
  const provider = result.provider?.used;
  if (result.status !== 'done' || !result.model || !provider || !(result.timings.process > 0)) return;
  const table = read(store);
  const before = table[result.model];
  // A change of provider (GPU → CPU) starts a new measurement: mixing them would describe neither.
  const samples = before?.provider === provider ? before.samples.slice(-(SAMPLES - 1)) : [];
  table[result.model] = { provider, samples: [...samples, result.timings.process] };
  store.setSetting(KEY, table, null);
}

export function modelSpeed(store: Store, id: string): ModelSpeed | null {
  const measured = read(store)[id];
  if (!measured?.samples.length) return null;
  const sorted = [...measured.samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const ms = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ms: Math.round(ms), provider: measured.provider, runs: measured.samples.length };
}

/**
 * Records the speed of every item a batch finishes, in its turn at the database: the next item's
 * history record may be being written by a pool thread (store/write-turns.ts).
 */
export function followModelSpeed(run: BatchRun, store: Store): void {
  run.on('item', (e) => {
    if (e.stage !== 'finished') return;
    // A measurement is a nicety: a busy or closing store must not fail the batch.
    writeTurns(store.file)
      .take(() => recordModelSpeed(store, e.result))
      .catch(() => {});
  });
}
