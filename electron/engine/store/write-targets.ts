/**
 * Where the engine may write a file the user asked for (an export, a backup, a saved image): never
 * inside the profile folder, never over an existing file unless asked, and a finished `.partial`
 * published so a file that appeared meanwhile is not replaced either.
 */
import { existsSync, linkSync, realpathSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';

/** Resolves symlinks of the deepest existing ancestor, so a link into the profile is caught too. */
function realPathOf(target: string): string {
  let existing = path.resolve(target);
  const rest: string[] = [];
  while (!existsSync(existing)) {
    rest.unshift(path.basename(existing));
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  return path.join(realpathSync(existing), ...rest);
}

export function assertOutsideProfile(target: string, profileRoot: string, what: string): void {
  const real = realPathOf(target);
  const root = realPathOf(profileRoot);
  const rel = path.relative(root, real);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new AtelierError(
      'OUTPUT_NOT_WRITABLE',
      `Refusing to write the ${what} inside the profile folder: ${target}`,
      {
        hint: `choose a path outside ${profileRoot} (e.g. your Documents folder)`,
        file: target,
      },
    );
  }
}

/** Refuses to replace a file that is already there unless asked (an export or backup never clobbers by accident). */
export function assertFreeTarget(dest: string, overwrite: boolean, what: string): void {
  if (!overwrite && existsSync(dest)) {
    throw new AtelierError(
      'OUTPUT_EXISTS',
      `Refusing to replace an existing file with the ${what}: ${dest}`,
      {
        hint: 'choose a new file name, or allow replacing it (--force on the command line)',
        file: dest,
      },
    );
  }
}

/**
 * Moves the finished `.partial` into place. Without `overwrite` it links instead of renaming, which fails
 * if a file appeared at `dest` meanwhile (no check-then-rename race); where links are unsupported it
 * checks and renames.
 */
export function publishPartial(partial: string, dest: string, overwrite: boolean, what: string): void {
  if (overwrite) return renameSync(partial, dest);
  try {
    linkSync(partial, dest);
    rmSync(partial, { force: true });
  } catch {
    // EEXIST: a file appeared at dest (refused below); anything else: a filesystem without hard links.
    assertFreeTarget(dest, false, what);
    renameSync(partial, dest);
  }
}
