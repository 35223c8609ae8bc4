/**
 * Deliverables: the finished results of chosen history items, each as one image file named after its
 * photo (the output naming rules of jobs/naming.ts; two photos with one name told apart), written as a
 * ZIP or into a folder. This is what a designer hands to a client; the data export (history.json,
 * originals, masks, ledger) is store/export.ts and lives under Settings ▸ Privacy.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ZipPassThrough } from 'fflate';
import type { Engine } from '../engine';
import { AtelierError } from '../errors';
import { DEFAULT_NAME_TEMPLATE, freeName, renderName } from '../jobs/naming';
import { writeFileAtomic } from '../operations/atomic-write';
import type { ImageFormat } from '../operations/types';
import { assertFreeTarget, assertOutsideProfile } from '../store/write-targets';
import { writeZipFile } from '../store/zip-file';
import type { HistoryFilter } from '../store/queries';
import type { GenerationRow } from '../store/types';

/** One file to deliver: the latest finished version of an item, and the name it gets. */
export interface Deliverable {
  generationId: number;
  imageId: number;
  name: string;
}

/** An item that has no file to deliver, and why, in plain words. */
export interface SkippedItem {
  id: number;
  name: string;
  reason: string;
}

export type ResultSelection = { ids: readonly number[] } | { query: HistoryFilter };

const FORMAT_BY_MIME: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};

/**
 * The files of a selection: chosen ids (an id stands for its whole item: the latest version is what
 * the designer last made), or every item a history filter shows. Names come from the naming setting.
 */
export function collectDeliverables(
  engine: Engine,
  selection: ResultSelection,
  template: string,
): { files: Deliverable[]; skipped: SkippedItem[] } {
  const roots =
    'ids' in selection ? rootsOfIds(engine, selection.ids) : rootsOfQuery(engine, selection.query);
  const files: Deliverable[] = [];
  const skipped: SkippedItem[] = [];
  const claimed = new Set<string>();
  for (const root of roots) {
    const family = engine.editor.records.family(root.id);
    const latest = [...family].reverse().find((g) => g.status === 'done' && g.outputImageId !== null);
    const label = root.inputName ?? `item ${root.id}`;
    if (!latest || latest.outputImageId === null) {
      skipped.push({ id: root.id, name: label, reason: reasonWithoutResult(root) });
      continue;
    }
    const mime = engine.store.getGeneration(latest.id).output?.mime ?? 'image/png';
    const name = deliverableName(template, root.inputName ?? `image-${root.id}`, mime, latest.model ?? '');
    // Compared without case: Windows and macOS folders (and most unzip tools there) do.
    const unique = freeName(name, (n) => claimed.has(n.toLowerCase()));
    const chosen = claimed.has(name.toLowerCase()) ? unique : name;
    claimed.add(chosen.toLowerCase());
    files.push({ generationId: latest.id, imageId: latest.outputImageId, name: chosen });
  }
  return { files, skipped };
}

/** The naming setting applied to the photo's name; a template that cannot name a file falls back. */
export function deliverableName(template: string, inputName: string, mime: string, model: string): string {
  const values = {
    input: path.basename(inputName.replaceAll('\\', '/')),
    format: FORMAT_BY_MIME[mime] ?? 'png',
    model,
  };
  try {
    return renderName(template, values);
  } catch {
    return renderName(DEFAULT_NAME_TEMPLATE, values);
  }
}

/** Writes the files into a ZIP at `dest` (a `.partial` first, removed on any failure). */
export async function writeDeliverablesZip(
  engine: Engine,
  files: readonly Deliverable[],
  dest: string,
  overwrite: boolean,
): Promise<void> {
  const profileRoot = engine.paths.root;
  assertOutsideProfile(dest, profileRoot, 'export');
  assertFolderExists(dest);
  assertFreeTarget(dest, overwrite, 'export');
  const failed = (cause: unknown) => notWritable(dest, cause);
  await writeZipFile(
    dest,
    { profileRoot, overwrite, cannotOpen: failed, cannotWrite: failed },
    async (zip, check) => {
      for (const file of files) {
        const image = await engine.store.loadImage(file.imageId);
        // Images are already compressed: stored as they are, one entry at a time (bounded memory).
        const entry = new ZipPassThrough(file.name);
        zip.add(entry);
        entry.push(image.bytes, true);
        check();
        await yieldToEventLoop();
      }
    },
  );
}

/**
 * Writes each file into `dir`, never replacing a file already there (`photo-1.png` instead). A failure
 * part way says how many were written; those are complete files, and every result stays in History.
 */
export async function writeDeliverablesToFolder(
  engine: Engine,
  files: readonly Deliverable[],
  dir: string,
): Promise<string[]> {
  assertOutsideProfile(dir, engine.paths.root, 'export');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `The folder ${dir} no longer exists`, {
      hint: 'choose another folder; your results are still in History',
      file: dir,
    });
  }
  const written: string[] = [];
  for (const file of files) {
    const target = freeTarget(path.join(dir, file.name));
    try {
      await writeFileAtomic(target, (await engine.store.loadImage(file.imageId)).bytes);
    } catch (cause) {
      // writeFileAtomic names the errno in its message (EACCES, EROFS…).
      const readOnly = /EACCES|EPERM|EROFS/.test((cause as Error).message);
      throw new AtelierError(
        'OUTPUT_NOT_WRITABLE',
        `Cannot write into ${dir}${readOnly ? ' (the folder is read-only)' : ''}: ${written.length} of ${files.length} files written`,
        { hint: 'choose another folder; your results are still in History', file: target, cause },
      );
    }
    written.push(target);
  }
  return written;
}

function freeTarget(file: string): string {
  return existsSync(file) ? freeName(file, existsSync) : file;
}

function rootsOfIds(engine: Engine, ids: readonly number[]): GenerationRow[] {
  const seen = new Set<number>();
  const roots: GenerationRow[] = [];
  for (const id of ids) {
    const root = engine.editor.records.root(id);
    if (seen.has(root.id)) continue;
    seen.add(root.id);
    roots.push(root);
  }
  return roots;
}

function rootsOfQuery(engine: Engine, query: HistoryFilter): GenerationRow[] {
  const roots: GenerationRow[] = [];
  let cursor: string | null = null;
  do {
    const page = engine.store.history({ ...query, rootsOnly: true, limit: 200, cursor });
    roots.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  // Oldest first: the order the photos were dropped in, so name clashes number them in that order.
  return roots.reverse();
}

function reasonWithoutResult(root: GenerationRow): string {
  if (root.status === 'failed') return 'it failed, so there is no result';
  if (root.outputExpired) return 'its result expired; re-render it first';
  return 'it has no result';
}

function assertFolderExists(target: string): void {
  const dir = path.dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `The folder ${dir} no longer exists`, {
      hint: 'choose another folder; your results are still in History',
      file: target,
    });
  }
}

function notWritable(dest: string, cause: unknown): AtelierError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? ' (the folder is read-only)' : '';
  return new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write the ZIP ${dest}${why}`, {
    hint:
      code === 'ENOSPC'
        ? 'free some disk space and try again; your results are still in History'
        : 'choose another folder; your results are still in History',
    file: dest,
    cause,
  });
}
