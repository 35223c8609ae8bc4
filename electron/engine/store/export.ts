/**
 * Exports one account's history to a zip: every stored image once (images/<id>.<ext>, stored without
 * recompression) and history.json describing each generation. The zip is written chunk by chunk to a
 * `.partial` file and renamed at the end, so memory stays bounded by one image and a failed export
 * never leaves a file that looks complete.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  linkSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { AtelierError } from '../errors';
import type { Db } from './database';
import { historyPage, type HistoryFilter } from './queries';
import { readImage } from './images';
import { trackPartial } from './partials';
import type { GenerationRow } from './types';
import { EXPORT_SECTIONS, exportReadme } from './export-sections';

const EXTENSION_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/avif': 'avif',
};

export interface ExportResult {
  file: string;
  generations: number;
  images: number;
  bytes: number;
}

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

/** Which generations an export takes: all of them, those matching a history filter, or chosen ids. */
export type ExportSelection = HistoryFilter | { ids: readonly number[] };

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

export async function exportHistoryZip(
  db: Db,
  accountId: string,
  account: Record<string, unknown>,
  dest: string,
  profileRoot: string,
  selection: ExportSelection = {},
  options: { overwrite?: boolean } = {},
): Promise<ExportResult> {
  const overwrite = options.overwrite === true;
  assertOutsideProfile(dest, profileRoot, 'export');
  if (!dest.toLowerCase().endsWith('.zip')) {
    throw new AtelierError('USAGE', `Export file must end in .zip: ${dest}`, {
      hint: 'add .zip to the file name',
      file: dest,
    });
  }
  assertFreeTarget(dest, overwrite, 'export');
  const partial = `${dest}.partial`;
  let fd: number;
  const untrack = trackPartial(profileRoot, partial);
  try {
    // The default destination is the output folder, which does not exist before the first result.
    mkdirSync(path.dirname(dest), { recursive: true });
    fd = openSync(partial, 'w');
  } catch (cause) {
    untrack();
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write the export: ${dest}`, {
      hint: 'check the folder exists and is writable',
      file: dest,
      cause,
    });
  }
  let bytes = 0;
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure ??= err;
    else if (!failure) {
      writeSync(fd, chunk);
      bytes += chunk.length;
    }
  });
  try {
    const written = new Map<number, string>();
    const addImage = (id: number | null): string | null => {
      if (id === null) return null;
      const known = written.get(id);
      if (known) return known;
      const image = readImage(db, accountId, id);
      if (!image) return null;
      const name = `images/${id}.${EXTENSION_BY_MIME[image.mime] ?? 'bin'}`;
      const entry = new ZipPassThrough(name);
      zip.add(entry);
      entry.push(image.bytes, true);
      written.set(id, name);
      return name;
    };
    const fileOf = (id: number | null): string | null => (id === null ? null : (written.get(id) ?? null));

    // Pass 1: the images, one at a time. Pass 2: history.json, page by page. fflate writes one entry at a
    // time and would buffer a second open entry in memory, hence two passes instead of one.
    let newestId = 0;
    await forEachGeneration(db, accountId, selection, (g) => {
      newestId = Math.max(newestId, g.id);
      addImage(g.inputImageId);
      addImage(g.outputImageId);
      if (failure) throw failure;
    });
    // Images the other sections refer to (masks of the editor), still one entry at a time.
    for (const section of EXPORT_SECTIONS) {
      for (const id of section.images?.(db, accountId) ?? []) {
        addImage(id);
        if (failure) throw failure;
        await yieldToEventLoop();
      }
    }
    const exportedAt = new Date().toISOString();
    const json = new ZipDeflate('history.json', { level: 6 });
    const encoder = new TextEncoder();
    zip.add(json);
    json.push(encoder.encode(`{"format":"atelier-history/1","exportedAt":${JSON.stringify(exportedAt)},`));
    json.push(encoder.encode(`"account":${JSON.stringify(account)},"generations":[\n`));
    let generations = 0;
    await forEachGeneration(db, accountId, selection, (g) => {
      if (g.id > newestId) return; // recorded while exporting: its images are not in this zip
      const entry = describe(g, fileOf(g.inputImageId), fileOf(g.outputImageId));
      json.push(encoder.encode(`${generations++ ? ',\n' : ''}${JSON.stringify(entry)}`));
      if (failure) throw failure;
    });
    json.push(encoder.encode('\n]}\n'), true);
    // The rest of what is stored for the account (ledger, settings, batches…), then the README.
    for (const section of EXPORT_SECTIONS) {
      const entry = new ZipDeflate(section.file, { level: 6 });
      zip.add(entry);
      entry.push(encoder.encode(`${JSON.stringify(section.rows(db, accountId, fileOf), null, 2)}\n`), true);
      if (failure) throw failure;
    }
    const readme = new ZipDeflate('README.md', { level: 6 });
    zip.add(readme);
    readme.push(encoder.encode(exportReadme(exportedAt)), true);
    zip.end();
    if (failure) throw failure;
    closeSync(fd);
    publishPartial(partial, dest, overwrite, 'export');
    untrack();
    return { file: dest, generations, images: written.size, bytes };
  } catch (cause) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(partial, { force: true });
    untrack();
    if (cause instanceof AtelierError) throw cause;
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `Export failed while writing ${dest}`, {
      hint: 'check free disk space and try again',
      file: dest,
      cause,
    });
  }
}

/**
 * Visits the account's generations newest first, a page at a time, yielding to the event loop after
 * each one so the app stays responsive (and memory is released) during a long export.
 */
async function forEachGeneration(
  db: Db,
  accountId: string,
  selection: ExportSelection,
  visit: (g: GenerationRow) => void,
): Promise<void> {
  const ids = 'ids' in selection ? new Set(selection.ids) : null;
  const filter = 'ids' in selection ? {} : selection;
  let cursor: string | null = null;
  do {
    const page = historyPage(db, accountId, { ...filter, limit: 100, cursor });
    for (const g of page.items) {
      if (ids && !ids.has(g.id)) continue;
      visit(g);
      await yieldToEventLoop();
    }
    cursor = page.nextCursor;
  } while (cursor);
}

function describe(
  g: GenerationRow,
  inputFile: string | null,
  outputFile: string | null,
): Record<string, unknown> {
  return {
    id: g.id,
    operation: g.operation,
    params: g.params,
    model: g.model,
    provider: g.provider,
    timings: g.timings,
    tokensSpent: g.tokensSpent,
    status: g.status,
    error: g.error,
    inputName: g.inputName,
    inputFile,
    outputFile,
    inputPurged: g.inputPurged,
    outputExpired: g.outputExpired,
    batchId: g.batchId,
    createdAt: g.createdAt,
    expiresAt: g.expiresAt,
    pinned: g.pinned,
    sourceGenerationId: g.sourceGenerationId,
  };
}
