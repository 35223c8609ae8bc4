import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';
import { assertOutsideProfile } from '../store/write-targets';

export interface OutputDirPolicy {
  /** Outputs never go into the profile (the history database, staging, caches live there). */
  profileRoot?: string;
  /** Create the folder if it is missing (default true). Only for the output folder the user named. */
  create?: boolean;
  /**
   * One answer for every failure (missing, forbidden, a file in the way), so a caller of the local API
   * cannot learn which paths exist on the machine from the error.
   */
  uniformErrors?: boolean;
}

/**
 * Creates the output folder if it is missing and allowed, and proves it can be written by writing a
 * probe file (permission bits alone say nothing for root, ACLs or read-only mounts), so a bad --out fails
 * once, up front, with one clear line instead of once per image.
 */
export function ensureWritableDir(dir: string, policy: OutputDirPolicy = {}): void {
  if (policy.profileRoot) assertOutsideProfile(dir, policy.profileRoot, 'outputs');
  const probe = path.join(dir, `.atelier-probe-${randomBytes(4).toString('hex')}`);
  try {
    if (policy.create !== false) mkdirSync(dir, { recursive: true });
    else if (!existsSync(dir)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe, { force: true });
  } catch (cause) {
    if (policy.uniformErrors) {
      throw new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write to the output folder ${dir}`, {
        hint: 'choose an existing folder you can write to (or the output folder in Settings)',
        file: dir,
        cause,
      });
    }
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file with that name is in the way'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'it is read-only'
          : code;
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write to the output folder ${dir} (${why})`, {
      hint: 'choose another --out folder or fix its permissions',
      file: dir,
      cause,
    });
  }
}
