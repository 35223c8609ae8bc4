import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../../errors';
import { tempDir } from '../../testing/fixtures';
import type { Store } from '../store';
import { greyOf, openTempStore, smallPhoto } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function temp() {
  const t = openTempStore();
  cleanups.push(t.cleanup);
  return t;
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T10:00:00.000Z');

/** n generations an hour apart, alternating operations and names, starting at T0. */
async function seed(store: Store, n: number, withImages = false): Promise<number[]> {
  const photo = withImages ? await smallPhoto(40) : null;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await store.recordGeneration({
      operation: i % 2 ? 'style' : 'cutout',
      params: { i },
      status: i % 5 === 4 ? 'failed' : 'done',
      inputName: i % 3 ? `photo_${i}.jpg` : `Car 100%_${i}.PNG`,
      input: photo ? { bytes: photo } : null,
      output: photo ? { bytes: await greyOf(photo) } : null,
      createdAt: new Date(T0 + i * 3_600_000),
    });
    ids.push(row.id);
  }
  return ids;
}

describe('history queries', () => {
  it('pages newest first with a keyset cursor that visits every item once', async () => {
    const { store } = temp();
    const ids = await seed(store, 23);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = store.history({ limit: 5, cursor });
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
  });

  it('keeps items created in the same millisecond apart by id', async () => {
    const { store } = temp();
    const at = new Date(T0);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        (await store.recordGeneration({ operation: 'cutout', params: {}, status: 'failed', createdAt: at }))
          .id,
      );
    const first = store.history({ limit: 3 });
    const second = store.history({ limit: 3, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((g) => g.id)).toEqual([...ids].reverse());
  });

  it('filters by operation, status, date range and file name text, and counts', async () => {
    const { store } = temp();
    await seed(store, 20);
    expect(store.count()).toBe(20);
    expect(store.count({ operation: 'style' })).toBe(10);
    expect(store.count({ status: 'failed' })).toBe(4);
    expect(store.count({ from: new Date(T0 + 5 * 3_600_000), to: new Date(T0 + 10 * 3_600_000) })).toBe(5);
    // '%' and '_' are literal in the text filter; matching ignores case.
    expect(store.count({ text: 'car 100%' })).toBe(7);
    expect(store.count({ text: '%' })).toBe(7); // a wildcard if unescaped: would match all 20
    expect(store.count({ text: '100%_1' })).toBe(3); // _12, _15, _18
    const page = store.history({ operation: 'cutout', status: 'done', limit: 50 });
    expect(page.items.every((g) => g.operation === 'cutout' && g.status === 'done')).toBe(true);
    expect(page.items.length).toBe(store.count({ operation: 'cutout', status: 'done' }));
    expect(store.summary()).toEqual({
      total: 20,
      byOperation: { cutout: 10, style: 10 },
      byStatus: { done: 16, failed: 4 },
    });
    expect(() => store.history({ cursor: 'garbage!' })).toThrow(/Invalid history cursor/);
    expect(() => store.history({ from: 'not a date' })).toThrow(/Invalid date for from/);
    expect(() => store.history({ limit: 0 })).toThrow(/Page size/);
  });

  it('scopes everything to the current account', async () => {
    const { store } = temp();
    const [anonId] = await seed(store, 1);
    const ana = store.signIn('srv-ana', 'ana@example.com');
    expect(store.currentAccountId).toBe(ana.id);
    expect(store.count()).toBe(0);
    expect(() => store.getGeneration(anonId ?? -1)).toThrow(AtelierError);
    await seed(store, 2);
    expect(store.count()).toBe(2);
    store.signOut();
    expect(store.count()).toBe(1);
    expect(store.signIn('srv-ana', 'ana@new.example').id).toBe(ana.id);
    expect(store.currentAccount().email).toBe('ana@new.example');
  });
});

describe('regenerate, pin, delete, retention, privacy', () => {
  it('prepares a regeneration from the stored original with merged params', async () => {
    const { store } = temp();
    const photo = await smallPhoto(40);
    const source = await store.recordGeneration({
      operation: 'background',
      params: { kind: 'colour', colour: '#fff', shadow: true },
      status: 'done',
      inputName: 'car.jpg',
      input: { bytes: photo },
      output: { bytes: await greyOf(photo) },
    });
    const regen = store.prepareRegeneration(source.id, { colour: '#000' });
    expect(regen.input.bytes.equals(photo)).toBe(true);
    expect(regen.params).toEqual({ kind: 'colour', colour: '#000', shadow: true });
    expect(regen.operation).toBe('background');
    const again = await store.recordGeneration({
      operation: regen.operation,
      params: regen.params,
      status: 'done',
      input: { bytes: regen.input.bytes },
      output: { bytes: photo },
      sourceGenerationId: source.id,
    });
    expect(again.sourceGenerationId).toBe(source.id);
    expect(again.inputImageId).toBe(source.inputImageId);
    expect(() => store.prepareRegeneration(424242)).toThrow(/No history item 424242/);
  });

  it('privacy mode keeps inputs out of the file and says so on regenerate', async () => {
    const { store, dbFile } = temp();
    store.setPrivacyMode(true);
    // A marker in the PNG (a text chunk) lets us search the raw database bytes for the input.
    const marker = 'PRIVATE-INPUT-MARKER-7c1f';
    const sharp = (await import('sharp')).default;
    const photo = await sharp(await smallPhoto(40))
      .withMetadata()
      .png()
      .withExif({ IFD0: { ImageDescription: marker } })
      .toBuffer();
    expect(photo.includes(marker)).toBe(true);
    const row = await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: photo },
      output: { bytes: await greyOf(photo) },
    });
    expect(row.inputPurged).toBe(true);
    expect(row.inputImageId).toBeNull();
    expect(() => store.prepareRegeneration(row.id)).toThrow(/privacy mode was on/);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(dbFile).includes(marker)).toBe(false);
  });

  it('expires unpinned outputs after the retention and keeps pinned ones and the originals', async () => {
    const { store } = temp();
    await seed(store, 3, true);
    store.setRetentionDays(2);
    const short = await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: await smallPhoto(40, 90) },
      output: { bytes: await smallPhoto(40, 180) },
      createdAt: new Date(T0),
    });
    const [a, b] = store.history({ limit: 10 }).items.filter((g) => g.id !== short.id);
    if (!a || !b) throw new Error('seed failed');
    store.setPinned(a.id, true);
    expect(store.sweepExpired(new Date(T0 + DAY)).expired).toBe(0);
    const afterTwoDays = store.sweepExpired(new Date(T0 + 2 * DAY + 1));
    expect(afterTwoDays.expired).toBe(1); // only the 2-day item
    expect(afterTwoDays.imagesDeleted).toBe(1); // its output; its input stays for regeneration
    expect(store.getGeneration(short.id).outputExpired).toBe(true);
    expect(store.prepareRegeneration(short.id).input.bytes.length).toBeGreaterThan(0);
    store.sweepExpired(new Date(T0 + 8 * DAY));
    expect(store.getGeneration(a.id).output).not.toBeNull(); // pinned
    expect(store.getGeneration(b.id).outputExpired).toBe(true);
    expect(() => store.setRetentionDays(-1)).toThrow(/Retention/);
  });

  it('deletes one item and its images when no other item uses them', async () => {
    const { store } = temp();
    const [first, second] = await seed(store, 2, true);
    const images = () => store.db.prepare('SELECT count(*) FROM images').pluck().get();
    expect(images()).toBe(2); // same input and output bytes are deduplicated across both items
    store.deleteGeneration(first ?? -1);
    expect(images()).toBe(2);
    store.deleteGeneration(second ?? -1);
    expect(images()).toBe(0);
    expect(() => store.deleteGeneration(first ?? -1)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('deleting an account removes its rows and its bytes from the file', async () => {
    const { store, dbFile } = temp();
    const ana = store.signIn('srv-ana', 'ana-marker@example.com');
    const marker = 'ACCOUNT-MARKER-93ab';
    await store.recordGeneration({
      operation: 'cutout',
      params: { note: marker },
      status: 'failed',
      inputName: `${marker}.jpg`,
    });
    store.ledger.addDebit(ana.id, { id: 'debit-1', tokens: 3, operation: 'cutout' });
    store.setSetting('privacyMode', false);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(dbFile).includes(marker)).toBe(true);
    store.deleteAccount(ana.id);
    expect(store.currentAccountId).toBe('local');
    expect(store.hasAccount(ana.id)).toBe(false);
    for (const table of ['generations', 'token_debits', 'settings WHERE account_id IS NOT NULL']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    const raw = readFileSync(dbFile);
    expect(raw.includes(marker)).toBe(false);
    expect(raw.includes('ana-marker@example.com')).toBe(false);
    expect(() => store.deleteAccount('no-such-account')).toThrow(/No such account/);
  });
});

describe('export and backup', () => {
  it('exports images and history.json to a zip outside the profile', async () => {
    const { store, dir } = temp();
    await seed(store, 3, true);
    await store.recordGeneration({ operation: 'style', params: {}, status: 'failed', error: 'boom' });
    const out = tempDir('atelier-export-');
    cleanups.push(out.cleanup);
    const file = path.join(out.dir, 'history.zip');
    const result = await store.exportHistory(file);
    expect(result).toMatchObject({ generations: 4, images: 2 });
    const entries = unzipSync(readFileSync(file));
    const history = JSON.parse(strFromU8(entries['history.json'] ?? new Uint8Array())) as {
      account: { id: string };
      generations: { id: number; inputFile: string | null; outputFile: string | null; status: string }[];
    };
    expect(history.account.id).toBe('local');
    expect(history.generations.map((g) => g.status)).toEqual(['failed', 'done', 'done', 'done']);
    const first = history.generations[1];
    expect(first?.inputFile).toMatch(/^images\/\d+\.png$/);
    const stored = store.image(store.getGeneration(first?.id ?? -1).inputImageId ?? -1);
    expect(Buffer.from(entries[first?.inputFile ?? ''] ?? []).equals(stored.bytes)).toBe(true);

    // Another account's history by id: it has none of these items.
    const other = store.signIn('srv-other', null);
    store.signOut();
    const empty = await store.exportHistory(path.join(out.dir, 'other.zip'), other.id);
    expect(empty).toMatchObject({ generations: 0, images: 0 });
    expect(() => store.exportHistory(path.join(out.dir, 'x.zip'), 'nobody')).toThrow(/No such account/);

    await expect(store.exportHistory(path.join(dir, 'inside.zip'))).rejects.toThrow(
      /inside the profile folder/,
    );
    await expect(store.exportHistory(path.join(dir, 'sub', '..', 'x.zip'))).rejects.toThrow(
      /inside the profile/,
    );
  });

  it('makes an online backup that opens with the same history', async () => {
    const { store, dbFile } = temp();
    await seed(store, 5, true);
    const out = tempDir('atelier-backup-');
    cleanups.push(out.cleanup);
    const result = await store.backup(path.join(out.dir, 'copy.db'));
    expect(result.bytes).toBeGreaterThan(0);
    const { Store } = await import('../store');
    const copy = Store.open({ database: result.file });
    try {
      expect(copy.count()).toBe(5);
      expect(copy.integrityCheck()).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      copy.close();
    }
    await expect(store.backup(dbFile)).rejects.toThrow(/live database/);
  });
});

describe('start-up sweep', () => {
  it('opening the store removes outputs that expired while it was closed', async () => {
    const first = temp();
    const photo = await smallPhoto(40);
    const old = await first.store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: photo },
      output: { bytes: await greyOf(photo) },
      createdAt: new Date(Date.now() - 8 * DAY),
    });
    first.store.close();
    const { Store } = await import('../store');
    const again = Store.open({ database: first.dbFile });
    try {
      expect(again.getGeneration(old.id).outputExpired).toBe(true);
      expect(again.getGeneration(old.id).input).not.toBeNull();
    } finally {
      again.close();
    }
  });
});
