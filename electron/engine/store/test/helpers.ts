/** Small real images and temp profiles for the store's tests (built on the shared fixtures). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fixturePhoto, tempDir } from '../../testing/fixtures';
import { profilePaths } from '../../profile';
import { Store } from '../store';

/** A real photo, shrunk to `width` px so tests stay fast; `tint` makes distinct bytes. */
export async function smallPhoto(width = 96, tint = 0): Promise<Buffer> {
  return sharp(readFileSync(fixturePhoto('car-1')))
    .resize(width)
    .modulate({ hue: tint })
    .png()
    .toBuffer();
}

/** A fake "output": the photo made grey, so it differs from the input. */
export async function greyOf(input: Buffer): Promise<Buffer> {
  return sharp(input).greyscale().png().toBuffer();
}

export function openTempStore(): { store: Store; dir: string; dbFile: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('atelier-store-');
  const paths = profilePaths(dir);
  const store = Store.open(paths);
  return {
    store,
    dir,
    dbFile: path.join(dir, 'atelier.db'),
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
}
