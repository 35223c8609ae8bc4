/**
 * A ZIP file written the safe way, for the data export and the deliverables alike: entries stream
 * chunk by chunk into `<dest>.partial` (memory bounded by one entry), the partial is noted in the
 * profile so a killed process's leftovers are swept, and only a complete file is published at `dest`
 * (without `overwrite`, never over a file that appeared meanwhile). Any failure removes the partial.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Zip } from 'fflate';
import { AtelierError } from '../errors';
import { publishPartial } from './write-targets';
import { trackPartial } from './partials';

export interface ZipFileOptions {
  profileRoot: string;
  overwrite: boolean;
  /** Create the destination folder first (the default export folder may not exist yet). */
  createFolder?: boolean;
  /** The error when the file cannot be created at all. */
  cannotOpen: (cause: unknown) => AtelierError;
  /** The error when writing fails part way (full disk, a removed drive). */
  cannotWrite: (cause: unknown) => AtelierError;
}

/**
 * Runs `fill` with a streaming Zip whose chunks go to the partial; `fill` calls `check()` after each
 * entry so a write failure stops it early. Resolves with what `fill` returned and the bytes written.
 */
export async function writeZipFile<T>(
  dest: string,
  options: ZipFileOptions,
  fill: (zip: Zip, check: () => void) => Promise<T>,
): Promise<{ value: T; bytes: number }> {
  const partial = `${dest}.partial`;
  const untrack = trackPartial(options.profileRoot, partial);
  let fd: number;
  try {
    if (options.createFolder) mkdirSync(path.dirname(dest), { recursive: true });
    fd = openSync(partial, 'w');
  } catch (cause) {
    untrack();
    throw options.cannotOpen(cause);
  }
  let bytes = 0;
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure ??= err;
    else if (!failure) {
      try {
        writeSync(fd, chunk);
        bytes += chunk.length;
      } catch (cause) {
        failure = cause as Error;
      }
    }
  });
  const check = () => {
    if (failure) throw failure;
  };
  try {
    const value = await fill(zip, check);
    zip.end();
    check();
    closeSync(fd);
    publishPartial(partial, dest, options.overwrite, 'export');
    untrack();
    return { value, bytes };
  } catch (cause) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(partial, { force: true });
    untrack();
    if (cause instanceof AtelierError) throw cause;
    throw options.cannotWrite(cause);
  }
}
