/**
 * The editor's part of the store (issue 11, "mask once, compose many"): a cut-out's root item keeps
 * its full-resolution model mask, the hand-edit strokes and the effective mask (model mask + strokes)
 * in `item_edits`; a re-render is a generation row linked to its root in `item_versions`. Masks are
 * ordinary images (Base64, deduplicated) so export, retention and account deletion treat them alike.
 *
 * The writes are synchronous and run inside the caller's transaction (writeGeneration), so an item,
 * its version link and its masks land together or not at all.
 */
import { AtelierError } from '../errors';
import type { Db } from './database';
import { putImage, type PreparedImage } from './images';
import type { EditState, PreparedEdit } from './types';

interface EditDbRow {
  generation_id: number;
  model_mask_image_id: number | null;
  mask_image_id: number | null;
  strokes_json: string;
  revision: number;
  updated_at: string;
}

/** The root of an item's family: itself, or the item it is a version of. */
export function rootOf(db: Db, generationId: number): number {
  const root = db
    .prepare('SELECT root_id FROM item_versions WHERE generation_id = ?')
    .pluck()
    .get(generationId) as number | undefined;
  return root ?? generationId;
}

export function readEdit(db: Db, rootId: number): EditState | null {
  const row = db.prepare('SELECT * FROM item_edits WHERE generation_id = ?').get(rootId) as
    EditDbRow | undefined;
  if (!row) return null;
  return {
    rootId,
    modelMaskImageId: row.model_mask_image_id,
    maskImageId: row.mask_image_id,
    strokes: JSON.parse(row.strokes_json) as EditState['strokes'],
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

/** Version ids of a root, oldest first. */
export function versionIds(db: Db, rootId: number): number[] {
  return db
    .prepare('SELECT generation_id FROM item_versions WHERE root_id = ? ORDER BY generation_id')
    .pluck()
    .all(rootId) as number[];
}

/** Each id's root, version count, mask and newest version's output, in one query for a page. */
export function editSummaries(db: Db, ids: readonly number[]): Map<number, EditSummary> {
  const out = new Map<number, EditSummary>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT g.value AS id, coalesce(v.root_id, g.value) AS root_id,
         (SELECT count(*) FROM item_versions c WHERE c.root_id = coalesce(v.root_id, g.value)) AS versions,
         coalesce(v.mask_image_id, e.mask_image_id) AS mask_image_id,
         (SELECT gen.output_image_id FROM item_versions c JOIN generations gen ON gen.id = c.generation_id
           WHERE c.root_id = coalesce(v.root_id, g.value) ORDER BY c.generation_id DESC LIMIT 1)
           AS latest_output_image_id
       FROM json_each(?) g
       LEFT JOIN item_versions v ON v.generation_id = g.value
       LEFT JOIN item_edits e ON e.generation_id = g.value`,
    )
    .all(JSON.stringify(ids)) as {
    id: number;
    root_id: number;
    versions: number;
    mask_image_id: number | null;
    latest_output_image_id: number | null;
  }[];
  for (const r of rows)
    out.set(r.id, {
      rootId: r.root_id,
      versions: r.versions,
      maskImageId: r.mask_image_id,
      latestOutputImageId: r.latest_output_image_id,
    });
  return out;
}

export interface EditSummary {
  rootId: number;
  versions: number;
  maskImageId: number | null;
  /** The newest version's output (null for an item with no versions): what History's tile shows. */
  latestOutputImageId: number | null;
}

/**
 * Writes the editor's rows for a generation just inserted (`generationId`), inside the caller's
 * transaction: as a version, the link to its root and the mask it was rendered with; as a new root
 * (or a version that carries a first model mask or new strokes), the root's edit state.
 */
export function writeEdit(
  db: Db,
  accountId: string,
  generationId: number,
  edit: PreparedEdit,
  now: string,
): void {
  const rootId = edit.versionOf ?? generationId;
  const current = readEdit(db, rootId);
  if (edit.baseRevision !== undefined && (current?.revision ?? 0) !== edit.baseRevision) {
    throw conflict(rootId, edit.baseRevision, current?.revision ?? 0);
  }
  const put = (image: PreparedImage | null) => (image ? putImage(db, accountId, image, now) : null);
  const modelMaskId = put(edit.modelMask);
  const maskId = put(edit.mask) ?? modelMaskId;
  if (edit.versionOf !== undefined) {
    db.prepare('INSERT INTO item_versions (generation_id, root_id, mask_image_id) VALUES (?, ?, ?)').run(
      generationId,
      rootId,
      maskId ?? edit.renderedMaskImageId ?? current?.maskImageId ?? null,
    );
  }
  if (modelMaskId === null && edit.strokes === undefined && edit.mask === null && current) {
    bumpRevision(db, rootId, now);
    return;
  }
  upsertEdit(db, rootId, {
    modelMaskImageId: modelMaskId ?? current?.modelMaskImageId ?? null,
    maskImageId: maskId ?? current?.maskImageId ?? null,
    strokes: edit.strokes ?? current?.strokes ?? [],
    now,
  });
}

/** Replaces a root's strokes and effective mask (edit.setStrokes): no generation, a new revision. */
export function saveStrokes(
  db: Db,
  accountId: string,
  rootId: number,
  strokes: EditState['strokes'],
  mask: PreparedImage,
  baseRevision: number | undefined,
  now: string,
): EditState {
  const current = readEdit(db, rootId);
  if (!current) {
    throw new AtelierError('NOT_FOUND', `History item ${rootId} has no stored mask yet`, {
      hint: 'render it once first (edit.render computes its mask with one model run)',
    });
  }
  if (baseRevision !== undefined && current.revision !== baseRevision) {
    throw conflict(rootId, baseRevision, current.revision);
  }
  const maskId = putImage(db, accountId, mask, now);
  upsertEdit(db, rootId, {
    modelMaskImageId: current.modelMaskImageId,
    maskImageId: maskId,
    strokes,
    now,
  });
  return readEdit(db, rootId)!;
}

function upsertEdit(
  db: Db,
  rootId: number,
  e: { modelMaskImageId: number | null; maskImageId: number | null; strokes: unknown[]; now: string },
): void {
  db.prepare(
    `INSERT INTO item_edits (generation_id, model_mask_image_id, mask_image_id, strokes_json, revision, updated_at)
     VALUES (?, ?, ?, ?, 1, ?)
     ON CONFLICT (generation_id) DO UPDATE SET model_mask_image_id = excluded.model_mask_image_id,
       mask_image_id = excluded.mask_image_id, strokes_json = excluded.strokes_json,
       revision = item_edits.revision + 1, updated_at = excluded.updated_at`,
  ).run(rootId, e.modelMaskImageId, e.maskImageId, JSON.stringify(e.strokes), e.now);
}

function bumpRevision(db: Db, rootId: number, now: string): void {
  db.prepare('UPDATE item_edits SET revision = revision + 1, updated_at = ? WHERE generation_id = ?').run(
    now,
    rootId,
  );
}

/** Another window saved the item after `base`: the stale save is refused (never half-applied). */
export function conflict(rootId: number, base: number, now: number): AtelierError {
  return new AtelierError(
    'CONFLICT',
    `History item ${rootId} was changed elsewhere (revision ${now}, this edit started from ${base})`,
    { hint: 'another window saved it first: reload the item to see its latest version, then edit again' },
  );
}

/** Every image the editor's rows of `rootIds` refer to (to delete with the item when unused). */
export function editImageIds(db: Db, rootIds: readonly number[]): number[] {
  if (rootIds.length === 0) return [];
  return db
    .prepare(
      `SELECT model_mask_image_id FROM item_edits WHERE generation_id IN (SELECT value FROM json_each(@ids))
       UNION SELECT mask_image_id FROM item_edits WHERE generation_id IN (SELECT value FROM json_each(@ids))
       UNION SELECT mask_image_id FROM item_versions WHERE generation_id IN (SELECT value FROM json_each(@ids))
         OR root_id IN (SELECT value FROM json_each(@ids))`,
    )
    .pluck()
    .all({ ids: JSON.stringify(rootIds) })
    .filter((id): id is number => typeof id === 'number');
}
