import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../../errors';
import { THUMBNAIL_SIZE } from '../../imaging/thumbnail';
import { greyOf, openTempStore, smallPhoto } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function temp() {
  const t = openTempStore();
  cleanups.push(t.cleanup);
  return t;
}

describe('recordGeneration', () => {
  it('stores images as Base64 with metadata and a WebP thumbnail, and the row with its debit and quota', async () => {
    const { store } = temp();
    const input = await smallPhoto(300);
    const output = await greyOf(input);
    const debitId = randomUUID();
    const row = await store.recordGeneration(
      {
        operation: 'cutout',
        params: { model: 'u2netp', refine: true },
        model: 'u2netp',
        provider: 'cpu',
        timings: { inference: 120, total: 150 },
        status: 'done',
        inputName: 'car-1.jpg',
        input: { bytes: input },
        output: { bytes: output },
      },
      { id: debitId, tokens: 2, operation: 'cutout' },
      { quotaDay: '2026-11-22' },
    );
    expect(row.accountId).toBe('local');
    expect(row.tokensSpent).toBe(2);
    expect(row.params).toEqual({ model: 'u2netp', refine: true });
    expect(row.timings.total).toBe(150);
    expect(row.expiresAt).not.toBeNull();
    const days = (Date.parse(row.expiresAt ?? '') - Date.parse(row.createdAt)) / 86_400_000;
    expect(days).toBe(7);

    const item = store.getGeneration(row.id);
    expect(item.input?.mime).toBe('image/png');
    expect(item.input?.width).toBe(300);
    expect(item.input?.byteSize).toBe(input.length);
    expect(store.image(item.output?.id ?? -1).bytes.equals(output)).toBe(true);

    const thumb = await sharp(store.thumbnail(item.input?.id ?? -1)).metadata();
    expect(thumb.format).toBe('webp');
    expect(Math.max(thumb.width, thumb.height)).toBe(THUMBNAIL_SIZE);

    const debits = store.ledger.pendingDebits('local');
    expect(debits.map((d) => [d.id, d.generationId, d.tokens, d.state])).toEqual([
      [debitId, row.id, 2, 'pending'],
    ]);
    expect(store.ledger.quotaUsed('local', '2026-11-22')).toBe(1);
  });

  it('deduplicates identical images per account but not across accounts', async () => {
    const { store } = temp();
    const input = await smallPhoto(64);
    const a = await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: input },
    });
    const b = await store.recordGeneration({
      operation: 'style',
      params: {},
      status: 'done',
      input: { bytes: input },
    });
    expect(b.inputImageId).toBe(a.inputImageId);
    store.signIn('server-user-1', 'ana@example.com');
    const c = await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: input },
    });
    expect(c.inputImageId).not.toBe(a.inputImageId);
    const imageCount = store.db.prepare('SELECT count(*) FROM images').pluck().get();
    expect(imageCount).toBe(2);
  });

  it('writes nothing when the transaction fails half-way (bad quota day checked last)', async () => {
    const { store } = temp();
    const input = await smallPhoto(64);
    // A quota day that fails validation is checked inside the transaction, after the images and row.
    await expect(
      store.recordGeneration(
        {
          operation: 'cutout',
          params: {},
          status: 'done',
          input: { bytes: input },
          output: { bytes: input },
        },
        { id: randomUUID(), tokens: 1, operation: 'cutout' },
        { quotaDay: 'yesterday' },
      ),
    ).rejects.toThrow(/Quota day must be YYYY-MM-DD/);
    for (const table of ['generations', 'images', 'token_debits', 'free_quota']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
  });

  it('rejects unreadable image bytes without explicit metadata, naming the field', async () => {
    const { store } = temp();
    const err = await store
      .recordGeneration({
        operation: 'cutout',
        params: {},
        status: 'done',
        output: { bytes: Buffer.from('not an image') },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtelierError);
    expect((err as AtelierError).code).toBe('CORRUPT_IMAGE');
    expect((err as AtelierError).message).toMatch(/output/);
  });

  it('records failed generations without images and links regenerations to their source', async () => {
    const { store } = temp();
    const failed = await store.recordGeneration({
      operation: 'style',
      params: { style: 'anime' },
      status: 'failed',
      error: 'model missing',
    });
    expect(failed.status).toBe('failed');
    expect(failed.expiresAt).toBeNull();
    const again = await store.recordGeneration({
      operation: 'style',
      params: { style: 'paprika' },
      status: 'failed',
      sourceGenerationId: failed.id,
    });
    expect(again.sourceGenerationId).toBe(failed.id);
    await expect(
      store.recordGeneration({ operation: 'style', params: {}, status: 'failed', sourceGenerationId: 999 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ledger', () => {
  it('replays pending debits in order, marks them, keeps the newest statement, counts quota', () => {
    const { store } = temp();
    const { ledger } = store;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    ids.forEach((id) => expect(ledger.addDebit('local', { id, tokens: 1, operation: 'cutout' })).toBe(true));
    expect(ledger.addDebit('local', { id: ids[0] ?? '', tokens: 1, operation: 'cutout' })).toBe(false);
    expect(
      ledger
        .pendingDebits('local')
        .map((d) => d.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(ledger.markDebits([ids[0] ?? '', ids[1] ?? ''], 'confirmed')).toBe(2);
    expect(ledger.markDebits([ids[2] ?? ''], 'rejected', 'insufficient tokens')).toBe(1);
    expect(ledger.pendingDebits('local')).toEqual([]);
    expect(ledger.debits('local').find((d) => d.id === ids[2])?.error).toBe('insufficient tokens');

    const statement = {
      accountId: 'local',
      payload: '{}',
      signature: 'sig',
      keyId: 'k1',
      balance: 50,
      validUntil: '2026-12-01T00:00:00Z',
    };
    expect(ledger.saveStatement({ ...statement, seq: 5 })).toBe(true);
    expect(ledger.saveStatement({ ...statement, seq: 4, balance: 999 })).toBe(false);
    expect(ledger.saveStatement({ ...statement, seq: 6, balance: 40 })).toBe(true);
    expect(ledger.latestStatement('local')?.balance).toBe(40);
    expect(ledger.latestStatement('nobody')).toBeNull();

    expect(ledger.quotaUsed('local', '2026-11-22')).toBe(0);
    expect(ledger.incrementQuota('local', '2026-11-22')).toBe(1);
    expect(ledger.incrementQuota('local', '2026-11-22')).toBe(2);
    expect(ledger.quotaUsed('local', '2026-11-23')).toBe(0);
  });
});

describe('batches', () => {
  it('completes items with their generation in one step and resumes from pending ones', async () => {
    const { store } = temp();
    const { batches } = store;
    const batch = batches.createBatch({
      operation: 'cutout',
      params: { model: 'u2netp' },
      outputDir: '/tmp/out',
    });
    expect(batch.status).toBe('running');
    const items = batches.addBatchItems(batch.id, [
      { inputPath: '/a.jpg' },
      { inputPath: '/b.jpg' },
      { inputPath: '/c.jpg' },
    ]);
    expect(items.map((i) => i.seq)).toEqual([0, 1, 2]);

    const photo = await smallPhoto(48);
    const first = items[0];
    if (!first) throw new Error('no item');
    const done = await batches.completeItemWithGeneration(
      first.id,
      {
        operation: 'cutout',
        params: {},
        status: 'done',
        input: { bytes: photo },
        output: { bytes: await greyOf(photo) },
      },
      { outputPath: '/tmp/out/a.png', debit: { id: randomUUID(), tokens: 1, operation: 'cutout' } },
    );
    expect(done.item.status).toBe('done');
    expect(done.item.generationId).toBe(done.generation.id);
    expect(done.generation.batchId).toBe(batch.id);
    expect(done.item.outputPath).toBe('/tmp/out/a.png');

    batches.markItemFailed(items[1]?.id ?? -1, 'truncated JPEG');
    expect(batches.pendingItems(batch.id).map((i) => i.inputPath)).toEqual(['/c.jpg']);
    expect(batches.getBatch(batch.id).counts).toEqual({ pending: 1, done: 1, failed: 1, skipped: 0 });
    expect(batches.setBatchStatus(batch.id, 'paused').status).toBe('paused');
    expect(batches.listBatches().map((b) => b.id)).toEqual([batch.id]);
    expect(() => batches.getBatch('nope')).toThrow(/No batch nope/);
  });
});

describe('recordGeneration input checks', () => {
  it('names the bad field and writes nothing', async () => {
    const { store } = temp();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ operation: '', params: {}, status: 'done' }, /operation/],
      [{ operation: 'cutout', params: {}, status: 'ok' }, /status/],
      [{ operation: 'cutout', params: {}, status: 'done', tokensSpent: -1 }, /tokensSpent/],
      [{ operation: 'cutout', params: { n: 1n }, status: 'done' }, /params is not JSON/],
      [{ operation: 'cutout', params: {}, status: 'done', createdAt: new Date('nope') }, /createdAt/],
      [{ operation: 'cutout', params: {}, status: 'done', output: { bytes: 'abc' } }, /output\.bytes/],
    ];
    for (const [input, message] of cases) {
      const err = await store.recordGeneration(input as never).catch((e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(AtelierError);
      expect((err as AtelierError).message).toMatch(message);
    }
    expect(store.count()).toBe(0);
  });
});

describe('records written off the engine thread', () => {
  it('a big record lands whole (images, row, debit) and reads back the same through loadImage', async () => {
    const { store } = temp();
    // Noise does not compress: a PNG of several MB, past the pool thresholds for hashing and decoding.
    const width = 1400;
    const noise = randomBytes(width * width * 3);
    const big = await sharp(noise, { raw: { width, height: width, channels: 3 } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(2 << 20);
    const debitId = randomUUID();
    const row = await store.recordGeneration(
      {
        operation: 'cutout',
        params: {},
        status: 'done',
        inputName: 'noise.png',
        input: { bytes: await smallPhoto(200) },
        output: { bytes: big },
      },
      { id: debitId, tokens: 1, operation: 'cutout' },
    );
    const loaded = await store.loadImage(row.outputImageId!);
    expect(loaded.bytes.equals(big)).toBe(true);
    expect(loaded.bytes.equals(store.image(row.outputImageId!).bytes)).toBe(true);
    expect(store.ledger.pendingDebits('local').map((d) => [d.id, d.generationId])).toEqual([
      [debitId, row.id],
    ]);
  });

  it('a big record that cannot be written (another process holds the file) fails as DATABASE, whole', async () => {
    const { store, dbFile } = temp();
    const width = 1400;
    const big = await sharp(randomBytes(width * width * 3), { raw: { width, height: width, channels: 3 } })
      .png()
      .toBuffer();
    const before = store.count();
    // Another writer holds the write lock past the busy timeout: the pool thread's own connection
    // gives up, and what comes back is the store's error, not a crash or a half-written item.
    const other = new Database(dbFile);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const err = await store
        .recordGeneration(
          { operation: 'cutout', params: {}, status: 'done', inputName: 'noise.png', output: { bytes: big } },
          { id: randomUUID(), tokens: 1, operation: 'cutout' },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtelierError);
      expect((err as AtelierError).code).toBe('DATABASE');
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(store.count()).toBe(before);
    expect(store.ledger.pendingDebits('local')).toEqual([]);
    // And the next record is written.
    await store.recordGeneration({ operation: 'cutout', params: {}, status: 'done', output: { bytes: big } });
    expect(store.count()).toBe(before + 1);
  }, 30_000);

  it('a record may reuse a stored original by id, never another account’s or a missing one', async () => {
    const { store } = temp();
    const first = await store.recordGeneration({
      operation: 'cutout',
      params: {},
      status: 'done',
      input: { bytes: await smallPhoto(120) },
      output: { bytes: await smallPhoto(60) },
    });
    const again = await store.recordGeneration({
      operation: 'cutout',
      params: { background: '#ffffff' },
      status: 'done',
      inputImageId: first.inputImageId!,
      output: { bytes: await smallPhoto(61) },
    });
    expect(again.inputImageId).toBe(first.inputImageId);
    const before = store.count();
    await expect(
      store.recordGeneration({
        operation: 'cutout',
        params: {},
        status: 'done',
        inputImageId: 999_999,
        output: { bytes: await smallPhoto(62) },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Refused whole: no row was written.
    expect(store.count()).toBe(before);
  });
});
