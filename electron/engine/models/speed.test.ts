/**
 * The speed the Models page shows: a median of the last runs per model, in the store on disk, reset
 * when the provider changes, never recorded for failed items or items without a model.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OperationResult } from '../operations/types';
import { openProfile } from '../profile';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import { modelSpeed, recordModelSpeed } from './speed';

const { dir, cleanup } = tempDir('atelier-speed-');
const store = Store.open(openProfile(path.join(dir, 'profile')));
afterAll(() => {
  store.close();
  cleanup();
});

function result(model: string, process: number, used = 'cpu', status: OperationResult['status'] = 'done') {
  return {
    input: 'a.jpg',
    output: 'a.png',
    status,
    model,
    provider: { requested: 'auto', used, attempts: [] },
    timings: { decode: 5, process, encode: 7, total: process + 12 },
  } as unknown as OperationResult;
}

describe('model speed', () => {
  it('is not measured until a run finishes, then the median of the last five', () => {
    expect(modelSpeed(store, 'u2netp')).toBeNull();
    recordModelSpeed(store, result('u2netp', 900)); // the first run loads the model
    expect(modelSpeed(store, 'u2netp')).toEqual({ ms: 900, provider: 'cpu', runs: 1 });
    for (const ms of [300, 320, 310, 2000, 305]) recordModelSpeed(store, result('u2netp', ms));
    // Last five: 300 320 310 2000 305 → median 310; the 900 ms first run has rolled off.
    expect(modelSpeed(store, 'u2netp')).toEqual({ ms: 310, provider: 'cpu', runs: 5 });
  });

  it('starts again on another provider; failed items and other models do not count', () => {
    recordModelSpeed(store, result('u2netp', 40, 'cuda'));
    expect(modelSpeed(store, 'u2netp')).toEqual({ ms: 40, provider: 'cuda', runs: 1 });
    recordModelSpeed(store, result('u2netp', 5000, 'cuda', 'failed'));
    recordModelSpeed(store, result('candy', 700));
    expect(modelSpeed(store, 'u2netp')).toEqual({ ms: 40, provider: 'cuda', runs: 1 });
    expect(modelSpeed(store, 'candy')?.ms).toBe(700);
  });
});
