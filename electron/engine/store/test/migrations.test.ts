import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { openDatabase, schemaVersion, type Db } from '../database';
import { LATEST_VERSION, migrations } from '../migrations';
import { Store } from '../store';
import path from 'node:path';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** Rows a real user could have at each schema version, written with that version's SQL. */
const seeders: Record<number, (db: Db) => void> = {
  1: (db) => {
    db.exec(`
      INSERT INTO accounts VALUES ('local', 'anonymous', NULL, NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO accounts VALUES ('u1', 'signed_in', 'srv-1', 'a@example.com', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO images (id, account_id, sha256, mime, byte_size, width, height, data_base64, thumb_webp_base64, created_at)
        VALUES (1, 'u1', 'abc', 'image/png', 3, 1, 1, 'AAEC', 'VGh1bWI=', '2026-01-01T00:00:00.000Z');
      INSERT INTO generations (id, account_id, operation, params_json, timings_json, status, input_name, input_image_id,
        output_image_id, created_at, expires_at)
        VALUES (7, 'u1', 'cutout', '{"model":"u2netp"}', '{"total":5}', 'done', 'a.jpg', 1, 1, '2026-01-01T00:00:00.000Z',
        '2026-01-08T00:00:00.000Z');
      INSERT INTO settings (account_id, key, value_json) VALUES ('u1', 'privacyMode', 'true');
    `);
  },
  2: (db) => {
    db.exec(`
      INSERT INTO batches VALUES ('b1', 'u1', 'cutout', '{}', '/out', 'paused', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      INSERT INTO batch_items (batch_id, seq, input_path, status, generation_id, attempts, updated_at)
        VALUES ('b1', 0, '/in/a.jpg', 'done', 7, 1, '2026-01-02T00:00:00.000Z');
    `);
  },
  3: (db) => {
    db.exec(`
      INSERT INTO token_debits VALUES ('d1', 'u1', 7, 'cutout', 2, '2026-01-03T00:00:00.000Z', 'pending', NULL, NULL);
    `);
  },
  // editor: a cut-out's stored mask and hand edits
  4: (db) => {
    db.exec(`
      INSERT INTO item_edits VALUES (7, 1, 1, '[]', 1, '2026-01-04T00:00:00.000Z');
    `);
  },
  // token reservations shared by the processes on a profile
  5: (db) => {
    db.exec(`
      INSERT INTO token_reservations VALUES ('r1', 'u1', 'tokens', NULL, 3, 1, '2026-01-04T00:00:00.000Z');
    `);
  },
  // the trash behind Delete with Undo (dated ahead, so an open within the test never empties it)
  6: (db) => {
    db.exec(`
      INSERT INTO generations (id, account_id, operation, params_json, timings_json, status, input_name, created_at)
        VALUES (8, 'u1', 'cutout', '{}', '{}', 'failed', 'b.jpg', '2026-01-05T00:00:00.000Z');
      INSERT INTO trash VALUES (8, 'd-1', 1, '2999-01-01T00:00:00.000Z');
    `);
  },
  // thumbnails in their own table (an image stored from version 7 on)
  7: (db) => {
    db.exec(`
      INSERT INTO images (id, account_id, sha256, mime, byte_size, width, height, data_base64, created_at)
        VALUES (2, 'u1', 'def', 'image/png', 3, 1, 1, 'AAED', '2026-01-06T00:00:00.000Z');
      INSERT INTO image_thumbnails VALUES (2, 'TmV3');
    `);
  },
};

function expectIntactAt(db: Db, version: number): void {
  expect(db.prepare('SELECT email FROM accounts WHERE id = ?').pluck().get('u1')).toBe('a@example.com');
  expect(db.prepare('SELECT data_base64 FROM images WHERE id = 1').pluck().get()).toBe('AAEC');
  expect(db.prepare('SELECT params_json FROM generations WHERE id = 7').pluck().get()).toBe(
    '{"model":"u2netp"}',
  );
  if (version >= 2)
    expect(db.prepare("SELECT status FROM batches WHERE id = 'b1'").pluck().get()).toBe('paused');
  if (version >= 3)
    expect(db.prepare("SELECT tokens FROM token_debits WHERE id = 'd1'").pluck().get()).toBe(2);
  if (version >= 5)
    expect(db.prepare("SELECT tokens FROM token_reservations WHERE id = 'r1'").pluck().get()).toBe(3);
  if (version >= 6)
    expect(db.prepare('SELECT deletion_id FROM trash WHERE generation_id = 8').pluck().get()).toBe('d-1');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    expect(Object.keys(seeders).map(Number)).toEqual(migrations.map((m) => m.version));
  });

  for (let from = 1; from < LATEST_VERSION; from++) {
    it(`upgrade a version ${from} database to ${LATEST_VERSION} with its data intact`, () => {
      const { dir, cleanup } = tempDir('atelier-migrate-');
      cleanups.push(cleanup);
      const file = path.join(dir, 'atelier.db');
      const old = openDatabase(file, { targetVersion: from });
      expect(schemaVersion(old)).toBe(from);
      for (let v = 1; v <= from; v++) seeders[v]?.(old);
      old.close();

      const store = Store.open({ database: file });
      try {
        expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
        expectIntactAt(store.db, from);
        // The upgraded file works through the API: the old item is readable and new tables accept rows.
        store.useAccount('u1');
        expect(store.getGeneration(7).input?.byteSize).toBe(3);
        // A thumbnail stored before version 7 (in images) is read as one stored after it.
        expect(store.thumbnail(1).toString()).toBe('Thumb');
        expect(store.privacyMode()).toBe(true);
        store.ledger.addDebit('u1', { id: `new-${from}`, tokens: 1, operation: 'style' });
        expect(store.ledger.pendingDebits('u1').some((d) => d.id === `new-${from}`)).toBe(true);
      } finally {
        store.close();
      }
    });
  }

  it('a migration that fails half-way leaves the previous version intact', () => {
    const { dir, cleanup } = tempDir('atelier-migrate-');
    cleanups.push(cleanup);
    const file = path.join(dir, 'atelier.db');
    const db = openDatabase(file);
    seeders[1]?.(db);
    db.close();
    const broken = [
      ...migrations,
      {
        version: LATEST_VERSION + 1,
        description: 'creates a table, then fails',
        sql: 'CREATE TABLE half_done (id INTEGER); ALTER TABLE no_such_table ADD COLUMN x TEXT;',
      },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(/History database error.*no_such_table/);
    const again = openDatabase(file);
    try {
      expect(schemaVersion(again)).toBe(LATEST_VERSION);
      expect(again.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(
        0,
      );
      expectIntactAt(again, 1);
    } finally {
      again.close();
    }
  });

  it('a fresh database is created at the latest version and reopening it is a no-op', () => {
    const { dir, cleanup } = tempDir('atelier-migrate-');
    cleanups.push(cleanup);
    const file = path.join(dir, 'atelier.db');
    Store.open({ database: file }).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });
});
