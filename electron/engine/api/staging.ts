/**
 * Uploads from a browser (which has no file paths) wait in `<profile>/staging/<uuid>/<name>` only until
 * their item is recorded or fails; then the folder is removed. An item that never ran (its batch was
 * cancelled or stopped for tokens) keeps its upload for Resume until the next start of a host, which
 * sweeps whatever is left. Staged files never leave the profile folder.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AtelierError } from '../errors';
import { isImageName } from '../jobs/inputs';

export class Staging {
  readonly dir: string;

  constructor(profileRoot: string) {
    this.dir = path.join(profileRoot, 'staging');
  }

  /** Writes an upload to its own folder and returns its path. */
  stage(name: string, bytes: Buffer): string {
    // Only the last path segment, without characters Windows refuses in file names or control characters.
    const safe =
      [...path.basename(name)]
        .map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c))
        .join('') || 'image';
    // `.` and `..` name the folder itself or its parent, never a file (and Windows drops trailing dots).
    if (/^\.+$/.test(safe)) {
      throw new AtelierError('USAGE', `Upload name "${safe}" is not a file name`, {
        hint: 'name the upload after its file, e.g. photo.jpg',
      });
    }
    const folder = path.join(this.dir, randomUUID());
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, isImageName(safe) || safe.includes('.') ? safe : `${safe}.png`);
    try {
      writeNew(file, bytes);
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    return file;
  }

  /** The staging folder of `file` when it is a staged upload (`staging/<uuid>/<name>`), else undefined. */
  folderOf(file: string): string | undefined {
    const rel = path.relative(this.dir, path.resolve(file));
    const parts = rel.split(path.sep);
    if (rel.startsWith('..') || path.isAbsolute(rel) || parts.length !== 2 || !parts[0]) return undefined;
    return path.join(this.dir, parts[0]);
  }

  /** Deletes a staged upload (no-op for any other path: a user's own files are never touched). */
  release(file: string): void {
    const folder = this.folderOf(file);
    if (folder) rmSync(folder, { recursive: true, force: true });
  }

  /** Removes every staged upload (at host start-up: nothing can be using them yet). */
  sweep(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) rmSync(path.join(this.dir, name), { recursive: true, force: true });
    return names.length;
  }
}

function writeNew(file: string, bytes: Buffer): void {
  // 'wx': never follow or overwrite something already there; 0o600: the upload is the user's alone.
  writeFileSync(file, bytes, { flag: 'wx', mode: 0o600 });
}
