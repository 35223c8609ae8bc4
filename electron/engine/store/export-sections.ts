/**
 * What an export holds besides the images and history.json: one JSON file per kind of record the
 * store keeps for an account, each described in the zip's README.md. A new table that holds account
 * data gets one entry here (and a line in its `about`), and the export test lists every table, so a
 * table nobody exported fails it.
 */
import type { Db } from './database';

export interface ExportSection {
  /** Path inside the zip. */
  file: string;
  /** One or two sentences for the README. */
  about: string;
  /** The tables this section covers (the export test checks every table of the schema is covered). */
  tables: readonly string[];
  /** Images this section refers to (masks…): they go into images/ like originals and outputs. */
  images?(db: Db, accountId: string): number[];
  /** `fileOf` names an image's file in the zip (null when it is not stored). */
  rows(db: Db, accountId: string, fileOf: (imageId: number | null) => string | null): unknown;
}

/** Keys that could ever hold a credential are left out of an export (none do today: the sign-in token lives in the keychain). */
const SECRET_KEY = /secret|password|refresh|access.?token|private/i;

function settingsOf(db: Db, accountId: string | null): Record<string, unknown> {
  const rows = db
    .prepare(
      "SELECT key, value_json FROM settings WHERE coalesce(account_id, '') = coalesce(?, '') ORDER BY key",
    )
    .all(accountId) as { key: string; value_json: string }[];
  return Object.fromEntries(
    rows.filter((r) => !SECRET_KEY.test(r.key)).map((r) => [r.key, JSON.parse(r.value_json) as unknown]),
  );
}

/** Items in the trash (deleted, Undo still possible) are gone for an export too, masks included. */
const LIVE = 'g.id NOT IN (SELECT generation_id FROM trash)';

export const EXPORT_SECTIONS: readonly ExportSection[] = [
  {
    file: 'account.json',
    about:
      'The account as stored on this computer: local id, kind (anonymous or signed in), email, the license ' +
      "server's id for it, when it was created and last used. No password is stored anywhere in Atelier; the " +
      'sign-in token stays in the system keychain and is never exported.',
    tables: ['accounts'],
    rows: (db, accountId) =>
      db
        .prepare(
          `SELECT id, kind, server_user_id AS serverUserId, email, created_at AS createdAt, last_used_at AS lastUsedAt
           FROM accounts WHERE id = ?`,
        )
        .get(accountId),
  },
  {
    file: 'settings.json',
    about:
      'Your settings: "account" holds this account\'s (privacy mode, retention, output folder, naming, ' +
      'provider, device id…), "app" the ones shared by every account on this computer.',
    tables: ['settings'],
    rows: (db, accountId) => ({ account: settingsOf(db, accountId), app: settingsOf(db, null) }),
  },
  {
    file: 'ledger/debits.json',
    about:
      'Every token debit recorded here: which generation, operation and how many tokens, when, and whether ' +
      'the license server confirmed or rejected it (pending ones are not synced yet).',
    tables: ['token_debits'],
    rows: (db, accountId) =>
      db
        .prepare(
          `SELECT id, generation_id AS generationId, operation, tokens, created_at AS createdAt, state,
             confirmed_at AS confirmedAt, error
           FROM token_debits WHERE account_id = ? ORDER BY created_at, id`,
        )
        .all(accountId),
  },
  {
    file: 'ledger/statements.json',
    about:
      'The last balance statement signed by the license server, with its decoded contents (balance, sequence ' +
      "number, validity). The signature lets anyone check it with the server's public key.",
    tables: ['balance_statements'],
    rows: (db, accountId) =>
      (
        db
          .prepare(
            `SELECT payload, signature, key_id AS keyId, seq, balance, valid_until AS validUntil,
               received_at AS receivedAt
             FROM balance_statements WHERE account_id = ?`,
          )
          .all(accountId) as { payload: string }[]
      ).map((s) => ({ ...s, decoded: decodeStatement(s.payload) })),
  },
  {
    file: 'ledger/free-quota.json',
    about: 'How many free generations were used on each day (anonymous use).',
    tables: ['free_quota'],
    rows: (db, accountId) =>
      db.prepare('SELECT day, used FROM free_quota WHERE account_id = ? ORDER BY day').all(accountId),
  },
  {
    file: 'ledger/reservations.json',
    about:
      'Generations authorized but not yet recorded (free quota or tokens held for them); normally empty, ' +
      'as each lasts only while its image is being made.',
    tables: ['token_reservations'],
    rows: (db, accountId) =>
      db
        .prepare(
          'SELECT id, kind, day, tokens, created_at FROM token_reservations WHERE account_id = ? ORDER BY created_at',
        )
        .all(accountId),
  },
  {
    file: 'edits.json',
    about:
      'Your touch-ups of cut-outs: for each item its model mask and effective mask (files in images/, ' +
      'grayscale PNG), your hand edits (brush strokes in image pixels) and their revision; and which items ' +
      'are re-render versions of which, with the mask each used.',
    tables: ['item_edits', 'item_versions'],
    images: (db, accountId) =>
      db
        .prepare(
          `SELECT e.model_mask_image_id AS id FROM item_edits e JOIN generations g ON g.id = e.generation_id
             WHERE g.account_id = ? AND ${LIVE} AND e.model_mask_image_id IS NOT NULL
           UNION SELECT e.mask_image_id FROM item_edits e JOIN generations g ON g.id = e.generation_id
             WHERE g.account_id = ? AND ${LIVE} AND e.mask_image_id IS NOT NULL
           UNION SELECT v.mask_image_id FROM item_versions v JOIN generations g ON g.id = v.generation_id
             WHERE g.account_id = ? AND ${LIVE} AND v.mask_image_id IS NOT NULL`,
        )
        .pluck()
        .all(accountId, accountId, accountId) as number[],
    rows: (db, accountId, fileOf) => ({
      edits: (
        db
          .prepare(
            `SELECT e.generation_id, e.model_mask_image_id, e.mask_image_id, e.strokes_json, e.revision, e.updated_at
             FROM item_edits e JOIN generations g ON g.id = e.generation_id
             WHERE g.account_id = ? AND ${LIVE} ORDER BY e.generation_id`,
          )
          .all(accountId) as {
          generation_id: number;
          model_mask_image_id: number | null;
          mask_image_id: number | null;
          strokes_json: string;
          revision: number;
          updated_at: string;
        }[]
      ).map((e) => ({
        generationId: e.generation_id,
        modelMaskFile: fileOf(e.model_mask_image_id),
        maskFile: fileOf(e.mask_image_id),
        strokes: JSON.parse(e.strokes_json) as unknown,
        revision: e.revision,
        updatedAt: e.updated_at,
      })),
      versions: (
        db
          .prepare(
            `SELECT v.generation_id, v.root_id, v.mask_image_id
             FROM item_versions v JOIN generations g ON g.id = v.generation_id
             WHERE g.account_id = ? AND ${LIVE} ORDER BY v.generation_id`,
          )
          .all(accountId) as { generation_id: number; root_id: number; mask_image_id: number | null }[]
      ).map((v) => ({ generationId: v.generation_id, rootId: v.root_id, maskFile: fileOf(v.mask_image_id) })),
    }),
  },
  {
    file: 'batches.json',
    about:
      "Your batches: operation, parameters, output folder and status, with each item's input and output path, " +
      'status and error.',
    tables: ['batches', 'batch_items'],
    rows: (db, accountId) => {
      const batches = db
        .prepare(
          `SELECT id, operation, params_json, output_dir AS outputDir, status, created_at AS createdAt,
             updated_at AS updatedAt
           FROM batches WHERE account_id = ? ORDER BY created_at, id`,
        )
        .all(accountId) as ({ id: string; params_json: string } & Record<string, unknown>)[];
      const items = db.prepare(
        `SELECT seq, input_path AS inputPath, output_path AS outputPath, status, error,
           generation_id AS generationId, attempts, updated_at AS updatedAt
         FROM batch_items WHERE batch_id = ? ORDER BY seq`,
      );
      return batches.map(({ params_json, ...b }) => ({
        ...b,
        params: JSON.parse(params_json) as unknown,
        items: items.all(b.id),
      }));
    },
  },
];

/** Tables the export covers without a section: images and generations (images/ and history.json). */
export const EXPORTED_BY_HISTORY = ['images', 'generations'] as const;

/**
 * Tables deliberately left out, with why. The trash holds items the person deleted (Undo can still put
 * them back for a few seconds): as far as an export is concerned they are gone, like their rows.
 */
export const NOT_EXPORTED: Readonly<Record<string, string>> = {
  trash: 'deleted items waiting out the undo window',
  image_thumbnails: 'small previews of the exported images (never part of an export)',
};

function decodeStatement(payload: string): unknown {
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The README.md at the root of every export. */
export function exportReadme(exportedAt: string): string {
  const lines = [
    '# Your Atelier data',
    '',
    `Exported ${exportedAt}. Everything Atelier stores on this computer for this account is in this zip.`,
    '',
    '| file | what it holds |',
    '|---|---|',
    '| `history.json` | Every history item: operation, all parameters, model, provider, timings, tokens spent, status and error, the name of the original, which files below are its original and output, whether its original was deleted by privacy mode or its output expired, dates, pin, and the item it was re-rendered from. |',
    '| `images/<id>.<ext>` | The stored originals, outputs and masks, byte for byte as Atelier keeps them (originals of items made in privacy mode were never stored; expired outputs are gone). `history.json` names which image belongs to which item. |',
    ...EXPORT_SECTIONS.map((s) => `| \`${s.file}\` | ${s.about} |`),
    '',
    'Not included: the small preview thumbnails (recomputed from the images), and your sign-in token (it is',
    'in the system keychain, never in the history database). On the license server Atelier keeps your email,',
    'a password hash, sign-in sessions, devices and the token ledger; deleting your account removes all but',
    'the ledger, which stays under an anonymous id for bookkeeping.',
    '',
  ];
  return lines.join('\n');
}
