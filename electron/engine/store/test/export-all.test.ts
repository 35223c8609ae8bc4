/**
 * "Access my data": the export holds everything the store keeps for the account — originals, outputs,
 * parameters, token ledger and statements, settings, batches and account info — with a README that
 * explains each file, and nothing of another account. Every table of the schema must be covered by the
 * export or listed as not account data, so a new table cannot be forgotten.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { EXPORTED_BY_HISTORY, NOT_EXPORTED, EXPORT_SECTIONS } from '../export-sections';
import { greyOf, openTempStore, smallPhoto } from './helpers';

describe('export: everything stored for the account', () => {
  it('has images, history, ledger, statements, settings, batches, account and a README naming each file', async () => {
    const { store, cleanup } = openTempStore();
    const out = tempDir('atelier-export-');
    try {
      const account = store.signIn('server-user-1', 'designer@example.com');
      store.setPrivacyMode(false);
      store.setSetting('ui.settings', { naming: '{name}-cut.{ext}' });
      const input = await smallPhoto(120, 10);
      const output = await greyOf(input);
      const batch = store.batches.createBatch({
        operation: 'cutout',
        params: { edges: 'hard' },
        outputDir: '/out',
      });
      const [item] = store.batches.addBatchItems(batch.id, [{ inputPath: '/photos/car.jpg' }]);
      const debitId = randomUUID();
      const { generation } = await store.batches.completeItemWithGeneration(
        item!.id,
        {
          operation: 'cutout',
          params: { edges: 'hard', feather: 2 },
          status: 'done',
          inputName: 'car.jpg',
          input: { bytes: input },
          output: { bytes: output },
        },
        { outputPath: '/out/car.png', debit: { id: debitId, tokens: 1, operation: 'cutout' } },
      );
      const payload = Buffer.from(
        JSON.stringify({ accountId: 'server-user-1', balance: 41, seq: 3 }),
      ).toString('base64url');
      store.ledger.saveStatement({
        accountId: account.id,
        payload,
        signature: 'sig',
        keyId: 'k1',
        seq: 3,
        balance: 41,
        validUntil: '2030-01-01T00:00:00.000Z',
      });
      // Another account's item must not appear.
      store.useAccount('local');
      const other = await smallPhoto(100, 200);
      await store.recordGeneration({
        operation: 'cutout',
        params: {},
        status: 'done',
        input: { bytes: other },
      });
      store.useAccount(account.id);

      const file = path.join(out.dir, 'mine.zip');
      await store.exportHistory(file);
      const zip = unzipSync(readFileSync(file));
      const names = Object.keys(zip).sort();
      const text = (name: string) => strFromU8(zip[name]!);
      const json = (name: string) => JSON.parse(text(name)) as unknown;

      expect(names).toEqual(
        [
          'README.md',
          'history.json',
          `images/${generation.inputImageId}.png`,
          `images/${generation.outputImageId}.png`,
          ...EXPORT_SECTIONS.map((s) => s.file),
        ].sort(),
      );
      expect(Buffer.from(zip[`images/${generation.inputImageId}.png`]!).equals(input)).toBe(true);
      expect(Buffer.from(zip[`images/${generation.outputImageId}.png`]!).equals(output)).toBe(true);
      const history = json('history.json') as { generations: { params: unknown; inputFile: string }[] };
      expect(history.generations).toHaveLength(1);
      expect(history.generations[0]?.params).toEqual({ edges: 'hard', feather: 2 });
      expect(json('account.json')).toMatchObject({
        id: account.id,
        email: 'designer@example.com',
        kind: 'signed_in',
      });
      expect(json('settings.json')).toMatchObject({
        account: { privacyMode: false, 'ui.settings': { naming: '{name}-cut.{ext}' } },
      });
      expect(json('ledger/debits.json')).toMatchObject([
        { id: debitId, tokens: 1, generationId: generation.id },
      ]);
      expect(json('ledger/statements.json')).toMatchObject([
        { balance: 41, decoded: { balance: 41, seq: 3 } },
      ]);
      expect(json('batches.json')).toMatchObject([
        {
          id: batch.id,
          params: { edges: 'hard' },
          items: [{ inputPath: '/photos/car.jpg', status: 'done' }],
        },
      ]);
      const readme = text('README.md');
      for (const name of ['history.json', 'images/', ...EXPORT_SECTIONS.map((s) => s.file)]) {
        expect(readme).toContain(`\`${name}`);
      }
      expect(zip[`images/${generation.inputImageId}.png`]).toBeDefined();
      expect(Object.values(zip).some((bytes) => Buffer.from(bytes).equals(other))).toBe(false);
    } finally {
      cleanup();
      out.cleanup();
    }
  });

  it('covers every table of the schema (a new table of account data must be added to the export)', () => {
    const { store, cleanup } = openTempStore();
    try {
      const tables = store.db
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      const covered = new Set([
        ...EXPORTED_BY_HISTORY,
        ...EXPORT_SECTIONS.flatMap((s) => s.tables),
        ...Object.keys(NOT_EXPORTED),
      ]);
      expect(tables.filter((t) => !covered.has(t))).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
