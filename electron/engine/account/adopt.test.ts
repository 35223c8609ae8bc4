import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { tempDir } from '../testing/fixtures';
import { ANONYMOUS_ACCOUNT_ID, Store } from '../store';
import { adoptAnonymousHistory, anonymousHistoryCount } from './adopt';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir('atelier-adopt-');
  store = Store.open({ database: `${tmp.dir}/atelier.db` });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

const png = (r: number) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g: 0, b: 0 } } })
    .png()
    .toBuffer();

describe('adoptAnonymousHistory', () => {
  it('moves generations, images and batches to the account, merging images it already has', async () => {
    const shared = await png(10);
    const own = await png(200);
    await store.recordGeneration({
      accountId: ANONYMOUS_ACCOUNT_ID,
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: shared },
    });
    await store.recordGeneration({
      accountId: ANONYMOUS_ACCOUNT_ID,
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: own },
    });
    const account = store.signIn('srv-1', 'a@example.com');
    await store.recordGeneration({
      accountId: account.id,
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: shared },
    });
    expect(anonymousHistoryCount(store.db)).toBe(2);

    const moved = adoptAnonymousHistory(store.db, account.id);
    expect(moved).toMatchObject({ generations: 2, images: 2 });
    expect(anonymousHistoryCount(store.db)).toBe(0);
    expect(store.count({})).toBe(3);
    const images = store.db.prepare('SELECT account_id, count(*) AS n FROM images GROUP BY account_id').all();
    expect(images).toEqual([{ account_id: account.id, n: 2 }]);
    // Every moved generation still shows its input image.
    for (const g of store.history({}).items) expect(store.getGeneration(g.id).input).not.toBeNull();
  });

  it('refuses to move history into the anonymous account', () => {
    expect(() => adoptAnonymousHistory(store.db, ANONYMOUS_ACCOUNT_ID)).toThrow(/signed-in account/);
  });
});
