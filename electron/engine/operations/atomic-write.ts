import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AtelierError } from '../errors';

/**
 * Writes `file` so that it is either absent, the old file, or the complete new one: the bytes go to
 * a temporary sibling first and are renamed over the target (rename is atomic on one filesystem).
 * A crash mid-write leaves at most a stray `.tmp`, never a half-written image.
 */
export async function writeFileAtomic(
  file: string,
  data: Buffer | Uint8Array,
  options: { replace?: boolean } = {},
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    if (options.replace === false) await publishNew(tmp, file);
    else await rename(tmp, file);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (cause instanceof AtelierError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    // EEXIST / ENOTDIR: a file sits where a folder of the output path should be.
    if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EISDIR'].includes(code)) {
      throw new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write ${file} (${code})`, {
        hint:
          code === 'ENOSPC'
            ? 'free some disk space and retry'
            : code === 'EISDIR'
              ? 'a folder has the output file’s name: rename it or choose another --name'
              : 'choose another --out folder or fix its permissions',
        file,
        cause,
      });
    }
    throw cause;
  }
}

/**
 * Moves `tmp` to `file` only if nothing is there: a hard link fails when a file appeared meanwhile (no
 * check-then-rename race); where links are unsupported (FAT, some network shares) it checks, then renames.
 */
async function publishNew(tmp: string, file: string): Promise<void> {
  try {
    await link(tmp, file);
    await rm(tmp, { force: true });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !existsSync(file)) {
      await rename(tmp, file);
      return;
    }
  }
  // A folder in the way is not a file to replace: the caller's "not writable" answer (EISDIR) applies.
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR' });
  }
  throw new AtelierError('OUTPUT_EXISTS', `Refusing to replace an existing file: ${file}`, {
    hint: 'choose another name, or allow replacing the file',
    file,
  });
}
