/**
 * Turns at writing the profile's database (store/write-turns.ts): the engine's own writes wait for a
 * history record being written on a pool thread in their turn, instead of asleep in SQLite's busy
 * handler on the engine's thread. Real SQLite on disk, the real pool.
 */
import sharp from 'sharp';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenGate } from '../../account/wallet';
import { storeLedger } from '../../account/store-ledger';
import { prepareImage } from '../images';
import { recordGenerationRow } from '../record-port';
import { WriteTurns, writeTurns } from '../write-turns';
import { openTempStore } from './helpers';

/** Resolves after a few turns of the event loop (time for anything not waiting to have finished). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('WriteTurns', () => {
  it('runs writes one after another in the order they were queued, a failed one included', async () => {
    const turns = new WriteTurns();
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = turns.take(
      () =>
        new Promise<void>((resolve) => {
          order.push('first starts');
          finishFirst = () => {
            order.push('first ends');
            resolve();
          };
        }),
    );
    const failing = turns.take(() => {
      order.push('failing');
      throw new Error('disk full');
    });
    const third = turns.take(() => {
      order.push('third');
      return 3;
    });
    await settle();
    expect(order).toEqual(['first starts']);
    finishFirst();
    await first;
    await expect(failing).rejects.toThrow('disk full');
    await expect(third).resolves.toBe(3);
    expect(order).toEqual(['first starts', 'first ends', 'failing', 'third']);
  });
});

describe('the profile database', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(() => temp.cleanup());

  it('runs a write queued behind a big record once the pool thread has written that record', async () => {
    const { store } = temp;
    // Noise compresses badly: a PNG over the size that is written on a pool thread (record-port.ts).
    const noise = await sharp(randomBytes(700 * 700 * 3), { raw: { width: 700, height: 700, channels: 3 } })
      .png()
      .toBuffer();
    const prepared = {
      accountId: store.currentAccountId,
      input: { operation: 'cutout', params: {}, status: 'done' as const },
      inputImage: await prepareImage({ bytes: noise }, 'input'),
      outputImage: null,
    };
    expect(prepared.inputImage.byteSize).toBeGreaterThan(1 << 20);
    const record = recordGenerationRow(store.db, { file: store.file, prepared, options: {} });
    const seen = await writeTurns(store.file).take(() => store.count());
    expect(seen).toBe(1);
    expect((await record).id).toBeGreaterThan(0);
  });

  it('decides a token reservation in its turn, after the records handed out before it', async () => {
    const { store } = temp;
    const gate = new TokenGate(
      storeLedger(store.db),
      { kind: 'anonymous', localId: store.currentAccountId },
      [],
    );
    let release!: () => void;
    const writing = writeTurns(store.file).take(() => new Promise<void>((r) => (release = r)));
    let ticket: unknown;
    const authorized = gate.authorize('cutout').then((t) => (ticket = t));
    await settle();
    expect(ticket).toBeUndefined();
    release();
    await writing;
    await authorized;
    expect(ticket).toMatchObject({ operation: 'cutout', kind: 'free_quota' });
  });
});
