/**
 * Exports one account's history to a zip: every stored image once (images/<id>.<ext>, stored without
 * recompression) and history.json describing each generation. The zip is written chunk by chunk to a
 * `.partial` file and renamed at the end, so memory stays bounded by one image and a failed export
 * never leaves a file that looks complete.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ZipDeflate, ZipPassThrough } from 'fflate';
import { AtelierError } from '../errors';
import type { Db } from './database';
import { historyPage, type HistoryFilter } from './queries';
import { readImage } from './images';
import { assertFreeTarget, assertOutsideProfile } from './write-targets';
import { writeZipFile } from './zip-file';
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

/** Which generations an export takes: all of them, those matching a history filter, or chosen ids. */
export type ExportSelection = HistoryFilter | { ids: readonly number[] };

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
  const zipOptions = {
    profileRoot,
    overwrite,
    // The default destination is the output folder, which does not exist before the first result.
    createFolder: true,
    cannotOpen: (cause: unknown) =>
      new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write the export: ${dest}`, {
        hint: 'check the folder exists and is writable',
        file: dest,
        cause,
      }),
    cannotWrite: (cause: unknown) =>
      new AtelierError('OUTPUT_NOT_WRITABLE', `Export failed while writing ${dest}`, {
        hint: 'check free disk space and try again',
        file: dest,
        cause,
      }),
  };
  const { value, bytes } = await writeZipFile(dest, zipOptions, async (zip, check) => {
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
      check();
    });
    // Images the other sections refer to (masks of the editor), still one entry at a time.
    for (const section of EXPORT_SECTIONS) {
      for (const id of section.images?.(db, accountId) ?? []) {
        addImage(id);
        check();
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
      check();
    });
    json.push(encoder.encode('\n]}\n'), true);
    // The rest of what is stored for the account (ledger, settings, batches…), then the README.
    for (const section of EXPORT_SECTIONS) {
      const entry = new ZipDeflate(section.file, { level: 6 });
      zip.add(entry);
      entry.push(encoder.encode(`${JSON.stringify(section.rows(db, accountId, fileOf), null, 2)}\n`), true);
      check();
    }
    const readme = new ZipDeflate('README.md', { level: 6 });
    zip.add(readme);
    readme.push(encoder.encode(exportReadme(exportedAt)), true);
    return { generations, images: written.size };
  });
  return { file: dest, ...value, bytes };
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
