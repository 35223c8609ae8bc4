/**
 * Turns the paths given on the command line into the list of input images: files as given, folders
 * expanded to the images they hold (recursively with --recursive, keeping each file's path relative
 * to its folder so the output can mirror the tree). The same file given twice is processed once.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';

/** Extensions picked up when scanning a folder; files named explicitly are always tried. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.gif',
  '.bmp',
]);

export interface InputFile {
  /** Absolute path. */
  file: string;
  /** Folder of the file relative to the folder it was found in ('' for files given directly). */
  relativeDir: string;
  /** Set when the same file was given more than once. */
  note?: string;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** Paths that could not be used (missing), each with its error; the batch goes on without them. */
  missing: { file: string; error: AtelierError }[];
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export function expandInputs(
  args: readonly string[],
  options: {
    recursive: boolean;
    /** Files and folders one call may look through (the API's bound; the CLI walks any tree). */
    maxEntries?: number | undefined;
  },
): ExpandedInputs {
  const budget = { left: options.maxEntries ?? Infinity };
  const files: InputFile[] = [];
  const missing: ExpandedInputs['missing'] = [];
  const seen = new Map<string, { entry: InputFile; count: number }>();

  const add = (file: string, relativeDir: string) => {
    let key = file;
    try {
      key = realpathSync(file);
    } catch {
      // Keep the given path; decoding will report what is wrong with it.
    }
    const previous = seen.get(key);
    if (previous) {
      previous.count += 1;
      previous.entry.note = `given ${previous.count} times, processed once`;
      return;
    }
    const entry: InputFile = { file, relativeDir };
    seen.set(key, { entry, count: 1 });
    files.push(entry);
  };

  for (const arg of args) {
    const abs = path.resolve(arg);
    if (!existsSync(abs)) {
      missing.push({
        file: abs,
        error: new AtelierError('NOT_FOUND', `No such file or folder: ${abs}`, {
          hint: 'check the path (quote paths with spaces)',
          file: abs,
        }),
      });
      continue;
    }
    if (statSync(abs).isDirectory()) {
      let found: string[];
      try {
        found = listImages(abs, options.recursive, budget);
      } catch (cause) {
        if (cause instanceof TooManyEntries) {
          missing.push({
            file: abs,
            error: new AtelierError(
              'USAGE',
              `The folder ${abs} holds more than ${options.maxEntries} files and folders to look through`,
              {
                hint: 'choose a smaller folder (the command line `atelier batch` takes folders of any size)',
                file: abs,
              },
            ),
          });
          continue;
        }
        missing.push({
          file: abs,
          error: new AtelierError('NOT_READABLE', `Cannot read the folder ${abs}: permission denied`, {
            hint: 'give your user read access to it (and its sub-folders)',
            file: abs,
            cause,
          }),
        });
        continue;
      }
      for (const f of found) add(f, path.relative(abs, path.dirname(f)));
    } else {
      add(abs, '');
    }
  }
  return { files, missing };
}

/** Images in a folder, sorted for a stable order; hidden files and our own temp files are ignored. */
/** The walk budget of expandInputs ran out (reported there, naming the folder the user gave). */
class TooManyEntries extends Error {}

export function listImages(
  dir: string,
  recursive: boolean,
  budget: { left: number } = { left: Infinity },
): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  budget.left -= entries.length;
  if (budget.left < 0) throw new TooManyEntries();
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...listImages(full, true, budget));
    } else if (entry.isFile() && isImageName(entry.name)) {
      out.push(full);
    }
  }
  return out;
}
