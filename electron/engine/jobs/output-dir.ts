import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';

/**
 * Creates the output folder if it is missing and proves it can be written by writing a probe file
 * (permission bits alone say nothing for root, ACLs or read-only mounts), so a bad --out fails once,
 * up front, with one clear line instead of once per image.
 */
export function ensureWritableDir(dir: string): void {
  const probe = path.join(dir, `.atelier-probe-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (cause) {
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
