/**
 * Images in the store: Base64 TEXT deduplicated per account by sha256, each with a 256 px WebP
 * thumbnail for grids. Preparing (hashing, measuring, thumbnailing with sharp) is async and happens
 * before a transaction; writing is synchronous so it can sit inside one.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AtelierError } from '../errors';
import { MIME_BY_FORMAT } from '../imaging/mime';
import { THUMBNAIL_SIZE } from '../imaging/thumbnail';
import { storedFormInPool } from '../workers/pixel-work';
import type { Db } from './database';
import type { ImageInput, ImageMeta, StoredImage } from './types';

export interface PreparedImage {
  sha256: string;
  mime: string;
  byteSize: number;
  width: number;
  height: number;
  /** The Base64 text, as a string or as its ASCII bytes (stored as TEXT either way). */
  base64: string | Buffer;
  thumbBase64: string | null;
}

/**
 * From this size on, hashing and Base64 run in the worker pool (a 24 MP PNG costs ~200 ms of both);
 * below it they take under a few milliseconds here, less than a trip through the pool's queue.
 */
const POOL_MIN_BYTES = 1 << 20;

export async function prepareImage(input: ImageInput, field: string): Promise<PreparedImage> {
  if (input.bytes.length === 0) {
    throw new AtelierError('EMPTY_FILE', `Empty image given as ${field}`, { hint: 'pass the image bytes' });
  }
  let { mime, width, height } = input;
  let thumbnail = input.thumbnail ?? null;
  if (!mime || !width || !height || !thumbnail) {
    try {
      const meta = await sharp(input.bytes).metadata();
      mime ??= MIME_BY_FORMAT[meta.format ?? ''] ?? `image/${meta.format ?? 'unknown'}`;
      width ??= meta.autoOrient?.width ?? meta.width;
      height ??= meta.autoOrient?.height ?? meta.height;
      thumbnail ??= await makeThumbnail(input.bytes);
    } catch (cause) {
      throw new AtelierError('CORRUPT_IMAGE', `Cannot read the ${field} image for the history`, {
        hint: 'pass a PNG, JPEG or WebP, or give mime, width and height explicitly',
        cause,
      });
    }
  }
  if (!mime || !width || !height) {
    throw new AtelierError('CORRUPT_IMAGE', `Cannot measure the ${field} image for the history`, {
      hint: 'give mime, width and height explicitly',
    });
  }
  const stored =
    input.stored ??
    (input.bytes.length >= POOL_MIN_BYTES
      ? await storedFormInPool(input.bytes, { file: field })
      : {
          sha256: createHash('sha256').update(input.bytes).digest('hex'),
          base64: input.bytes.toString('base64'),
        });
  return {
    sha256: stored.sha256,
    mime,
    byteSize: input.bytes.length,
    width,
    height,
    base64: stored.base64,
    thumbBase64: thumbnail ? thumbnail.toString('base64') : null,
  };
}

export function makeThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

/** Inserts the image for the account unless the same bytes are already stored; returns its id. */
export function putImage(db: Db, accountId: string, image: PreparedImage, now: string): number {
  const existing = db
    .prepare('SELECT id FROM images WHERE account_id = ? AND sha256 = ?')
    .pluck()
    .get(accountId, image.sha256) as number | undefined;
  if (existing !== undefined) return existing;
  const result = db
    .prepare(
      `INSERT INTO images (account_id, sha256, mime, byte_size, width, height, data_base64, created_at)
       VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?)`,
    )
    .run(accountId, image.sha256, image.mime, image.byteSize, image.width, image.height, image.base64, now);
  const id = Number(result.lastInsertRowid);
  // Not in images: a column after data_base64 is read by walking its overflow pages (migration 7).
  if (image.thumbBase64 !== null) {
    db.prepare('INSERT INTO image_thumbnails (image_id, webp_base64) VALUES (?, ?)').run(
      id,
      image.thumbBase64,
    );
  }
  return id;
}

/** Deletes those of `ids` that no generation refers to any more; returns how many went. */
export function deleteImagesIfUnused(db: Db, ids: Iterable<number | null>): number {
  const stmt = db.prepare(
    `DELETE FROM images WHERE id = ? AND NOT EXISTS
       (SELECT 1 FROM generations g WHERE g.input_image_id = images.id OR g.output_image_id = images.id)
       AND NOT EXISTS (SELECT 1 FROM item_edits e
         WHERE e.model_mask_image_id = images.id OR e.mask_image_id = images.id)
       AND NOT EXISTS (SELECT 1 FROM item_versions v WHERE v.mask_image_id = images.id)`,
  );
  let deleted = 0;
  for (const id of new Set(ids)) if (id !== null) deleted += stmt.run(id).changes;
  return deleted;
}

interface ImageDbRow {
  id: number;
  account_id: string;
  sha256: string;
  mime: string;
  byte_size: number;
  width: number;
  height: number;
}

// Only the columns stored before data_base64: one after it is reached through its overflow pages.
const META_COLUMNS = 'id, account_id, sha256, mime, byte_size, width, height';

export function toImageMeta(row: ImageDbRow): ImageMeta {
  return {
    id: row.id,
    accountId: row.account_id,
    sha256: row.sha256,
    mime: row.mime,
    byteSize: row.byte_size,
    width: row.width,
    height: row.height,
  };
}

export function imageMeta(db: Db, accountId: string, id: number): ImageMeta | null {
  const row = db
    .prepare(`SELECT ${META_COLUMNS} FROM images WHERE id = ? AND account_id = ?`)
    .get(id, accountId) as ImageDbRow | undefined;
  return row ? toImageMeta(row) : null;
}

export function readImage(db: Db, accountId: string, id: number): StoredImage | null {
  const row = db
    .prepare(`SELECT ${META_COLUMNS}, data_base64 FROM images WHERE id = ? AND account_id = ?`)
    .get(id, accountId) as (ImageDbRow & { data_base64: string }) | undefined;
  return row ? { ...toImageMeta(row), bytes: Buffer.from(row.data_base64, 'base64') } : null;
}

/**
 * An image's stored Base64 as ASCII bytes (SQLite hands TEXT over as a BLOB without building a JS
 * string), for decoding off the engine's thread (Store.loadImage).
 */
export function readImageBase64(
  db: Db,
  accountId: string,
  id: number,
): (ImageMeta & { base64: Buffer }) | null {
  const row = db
    .prepare(
      `SELECT ${META_COLUMNS}, CAST(data_base64 AS BLOB) AS base64 FROM images WHERE id = ? AND account_id = ?`,
    )
    .get(id, accountId) as (ImageDbRow & { base64: Buffer | null }) | undefined;
  return row ? { ...toImageMeta(row), base64: row.base64 ?? Buffer.alloc(0) } : null;
}

export function readThumbnail(db: Db, accountId: string, id: number): Buffer | null {
  // Images stored before migration 7 keep their thumbnail in images (the slow read) until they go.
  const b64 = db
    .prepare(
      `SELECT coalesce(
         (SELECT t.webp_base64 FROM image_thumbnails t WHERE t.image_id = images.id),
         thumb_webp_base64)
       FROM images WHERE id = ? AND account_id = ?`,
    )
    .pluck()
    .get(id, accountId) as string | null | undefined;
  return b64 ? Buffer.from(b64, 'base64') : null;
}
