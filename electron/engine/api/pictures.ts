/**
 * Pictures a person brings for a background or a reference (issue 19, "pictures by picking or
 * dropping"). A picked or dropped picture is checked (a real image, within the pixel limit: a
 * 30000×30000 PNG is refused by its header), copied into the profile's pictures/ folder (so a staged
 * browser upload, or a file later moved on disk, does not break the recipes that use it), and kept in
 * the store's images so the UI shows it at display size through the image route like any other image.
 * The recent ones are offered again (a per-account setting).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImageBuffer } from '../imaging/decode';
import { AtelierError } from '../errors';
import type { Engine } from '../engine';
import { prepareImage, putImage } from '../store/images';
import type { Picture } from './contract';

const RECENT_KEY = 'pictures.recent';
const RECENT_MAX = 8;
const EXT: Record<string, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  tiff: 'tiff',
  gif: 'gif',
};

export class Pictures {
  readonly dir: string;

  constructor(private readonly engine: Engine) {
    this.dir = path.join(engine.paths.root, 'pictures');
  }

  /** Checks and keeps the picture at `file`; `name` is what the person called it (a browser upload's name). */
  async add(file: string, name = path.basename(file)): Promise<Picture> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (cause) {
      throw new AtelierError('NOT_FOUND', `${name} could not be read`, {
        hint: 'it may have been moved or deleted — choose it again',
        cause,
      });
    }
    const decoded = await decodeImageBuffer(bytes, name, { maxPixels: this.engine.maxPixels });
    const sha = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(this.dir, { recursive: true });
    const kept = path.join(this.dir, `${sha.slice(0, 24)}.${EXT[decoded.format] ?? 'png'}`);
    if (!existsSync(kept)) writeFileSync(kept, bytes, { mode: 0o600 });
    const { store } = this.engine;
    const prepared = await prepareImage({ bytes }, 'picture');
    const imageId = store.guard(() =>
      putImage(store.db, store.currentAccountId, prepared, new Date().toISOString()),
    );
    const picture: Picture = {
      path: kept,
      name,
      imageId,
      width: decoded.image.width,
      height: decoded.image.height,
    };
    store.setSetting(
      RECENT_KEY,
      [picture, ...this.recent().filter((p) => p.path !== kept)].slice(0, RECENT_MAX),
    );
    return picture;
  }

  /** The recently used pictures of this account that are still on disk, newest first. */
  recent(): Picture[] {
    const list = this.engine.store.getSetting(RECENT_KEY);
    if (!Array.isArray(list)) return [];
    return (list as Picture[]).filter(
      (p) => p && typeof p.path === 'string' && typeof p.imageId === 'number' && existsSync(p.path),
    );
  }
}
