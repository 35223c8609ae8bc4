/**
 * Getting results out of the store: save an image (to the output folder, a path the user chose in the
 * host's save dialog, or — in a browser, which has no dialog the engine can open — a download), show a
 * written file in the OS file manager, pick a folder, and export chosen history items as a zip.
 * Downloads are files (or stored images) registered here under an unguessable id that serve.ts hands
 * out; Electron never needs them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine';
import { AtelierError } from '../errors';
import type { FileFilter } from '../host';
import { ensureWritableDir } from '../jobs/output-dir';
import { writeFileAtomic } from '../operations/atomic-write';
import { assertOutsideProfile } from '../store/write-targets';
import type { HistoryFilter } from '../store/queries';
import {
  collectDeliverables,
  writeDeliverablesToFolder,
  writeDeliverablesZip,
  type ResultSelection,
  type SkippedItem,
} from './deliverables';
import { EXT_BY_MIME } from '../imaging/mime';

export type SaveResult = { saved: string } | { download: string } | { cancelled: true };

export interface SaveRequest {
  imageId?: number | undefined;
  generationId?: number | undefined;
  suggestedName: string;
  /** 'outputDir': Save (the output folder, never overwriting); 'dialog': Save as…. */
  to: 'outputDir' | 'dialog';
  /** An explicit destination (automation, tests); wins over `to`. */
  path?: string | undefined;
  /** Replace a file already at `path` (the native save dialog asks the user itself). */
  overwrite?: boolean | undefined;
}

export interface ExportRequest {
  ids?: number[] | undefined;
  query?: HistoryFilter | undefined;
  path?: string | undefined;
  /** Replace a file already at `path`. */
  overwrite?: boolean | undefined;
}

/** How long a written file (an export's zip) waits in temp for its one download. */
const FILE_DOWNLOAD_TTL_MS = 15 * 60 * 1000;

export interface ResultsRequest {
  ids?: number[] | undefined;
  query?: HistoryFilter | undefined;
  /** 'zip': one ZIP file (a download in a browser); 'folder': the files side by side in a folder. */
  to: 'zip' | 'folder';
  /** The ZIP file or the folder; without it the host's dialog asks (or a browser downloads the ZIP). */
  path?: string | undefined;
}

export interface ResultsAnswer {
  written: 'zip' | 'folder' | 'download' | 'none';
  path: string | null;
  download: string | null;
  names: string[];
  skipped: SkippedItem[];
}

/** A download serve.ts may answer: a stored image, or a file written for it (deleted once sent). */
export type Download =
  | { kind: 'image'; imageId: number; name: string }
  | { kind: 'file'; file: string; name: string; mime: string };

export class FilesFacade {
  /** Files this process wrote or a batch wrote: the only ones `reveal` shows outside the output folder. */
  private readonly written = new Set<string>();
  private readonly downloads = new Map<string, Download>();

  constructor(
    private readonly engine: Engine,
    private readonly outputDir: () => string,
  ) {}

  remember(file: string): void {
    this.written.add(path.resolve(file));
  }

  async saveAs(request: SaveRequest): Promise<SaveResult> {
    const imageId = this.imageIdOf(request);
    const image = await this.engine.store.loadImage(imageId);
    const name = fileNameFor(request.suggestedName, image.mime);
    let target = request.path;
    // Never overwriting, unless asked: by the caller, or by the native save dialog (which asks itself).
    let replace = request.overwrite === true;
    if (!target && request.to === 'dialog') {
      const chosen = await this.engine.host.saveFileDialog?.(name, [imageFilter(image.mime)]);
      if (chosen === undefined || chosen === null) {
        if (this.engine.host.kind === 'electron') return { cancelled: true };
        return { download: this.offer({ kind: 'image', imageId, name }) };
      }
      target = chosen;
      replace = true;
    }
    if (!target) {
      if (this.engine.host.kind !== 'electron')
        return { download: this.offer({ kind: 'image', imageId, name }) };
      const dir = this.outputDir();
      ensureWritableDir(dir);
      target = freePath(path.join(dir, name));
      replace = false;
    } else {
      target = path.resolve(target);
      assertFolderExists(target);
    }
    assertOutsideProfile(target, this.engine.paths.root, 'image');
    await writeKeepingWork(target, image.bytes, replace);
    this.remember(target);
    return { saved: target };
  }

  reveal(file: string): void {
    const resolved = path.resolve(file);
    const inOutput = isInside(resolved, path.resolve(this.outputDir()));
    if (!this.written.has(resolved) && !inOutput) {
      throw new AtelierError('USAGE', `Atelier did not write ${file}`, {
        hint: 'only files saved by Atelier can be shown from here',
        file,
      });
    }
    if (!existsSync(resolved)) {
      throw new AtelierError('NOT_FOUND', `The file is no longer there: ${file}`, {
        hint: 'it was moved or deleted; save the item again',
        file,
      });
    }
    this.engine.host.revealInFolder(resolved);
  }

  async pickFolder(): Promise<string | null> {
    return (await this.engine.host.pickFolder?.()) ?? null;
  }

  async exportItems(request: ExportRequest): Promise<{ file: string; items: number } | { download: string }> {
    const stamp = new Date().toISOString().slice(0, 10);
    const name = `atelier-${stamp}.zip`;
    let target = request.path;
    // The native save dialog has asked the user before replacing a file; a path sent by a caller has not.
    let confirmedReplace = request.overwrite === true;
    if (!target) {
      const chosen = await this.engine.host.saveFileDialog?.(name, [
        { name: 'Zip archive', extensions: ['zip'] },
      ]);
      if (chosen) {
        target = chosen;
        confirmedReplace = true;
      } else if (this.engine.host.kind === 'electron')
        throw new AtelierError('CANCELLED', 'Export cancelled', { hint: 'nothing was written' });
    }
    const selection = request.ids ? { ids: request.ids } : (request.query ?? {});
    if (target) {
      target = path.resolve(target);
      assertFolderExists(target);
      const result = await this.engine.store.exportHistory(target, undefined, selection, {
        overwrite: confirmedReplace,
      });
      this.remember(result.file);
      return { file: result.file, items: result.generations };
    }
    // A browser: write to a private temporary folder (the export refuses the profile), send it once.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-export-'));
    try {
      const result = await this.engine.store.exportHistory(path.join(dir, name), undefined, selection);
      return { download: this.offer({ kind: 'file', file: result.file, name, mime: 'application/zip' }) };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true }); // the private originals never stay in temp
      throw error;
    }
  }

  /** Removes every file download not fetched yet (the host is closing: nobody can fetch them now). */
  discardPending(): void {
    for (const [id, download] of this.downloads) {
      this.downloads.delete(id);
      FilesFacade.discard(download);
    }
  }

  /**
   * "Export results": the finished files of chosen items (or of what a filter shows), named after
   * their photos, as a ZIP or into a folder. `template` is the naming setting.
   */
  async exportResults(request: ResultsRequest, template: string): Promise<ResultsAnswer> {
    const selection: ResultSelection = request.ids ? { ids: request.ids } : { query: request.query ?? {} };
    const { files, skipped } = collectDeliverables(this.engine, selection, template);
    if (files.length === 0) {
      throw new AtelierError('NOT_FOUND', 'None of the chosen items has a finished result to export', {
        hint: skipped[0] ? `${skipped[0].name}: ${skipped[0].reason}` : 'choose items that finished',
      });
    }
    const names = files.map((f) => f.name);
    const none: ResultsAnswer = { written: 'none', path: null, download: null, names: [], skipped };
    const electron = this.engine.host.kind === 'electron';
    if (request.to === 'folder') {
      const dir = request.path ?? (await this.engine.host.pickFolder?.()) ?? null;
      if (!dir) {
        if (electron) return none;
        throw new AtelierError('USAGE', 'Exporting into a folder needs the desktop app', {
          hint: 'export as a ZIP instead: the browser downloads it',
        });
      }
      const written = await writeDeliverablesToFolder(this.engine, files, path.resolve(dir));
      for (const file of written) this.remember(file);
      return {
        written: 'folder',
        path: path.resolve(dir),
        download: null,
        names: written.map((f) => path.basename(f)),
        skipped,
      };
    }
    const zipName = `atelier-results-${new Date().toISOString().slice(0, 10)}.zip`;
    let target = request.path;
    // The native save dialog has asked before replacing a file; a path sent by a caller has not.
    let confirmedReplace = false;
    if (!target) {
      const chosen = await this.engine.host.saveFileDialog?.(zipName, [
        { name: 'Zip archive', extensions: ['zip'] },
      ]);
      if (chosen) {
        target = chosen;
        confirmedReplace = true;
      } else if (electron) return none;
    }
    if (target) {
      const dest = path.resolve(target);
      await writeDeliverablesZip(this.engine, files, dest, confirmedReplace);
      this.remember(dest);
      return { written: 'zip', path: dest, download: null, names, skipped };
    }
    // A browser: a private temporary folder, removed once the download is sent (or abandoned).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-export-'));
    try {
      await writeDeliverablesZip(this.engine, files, path.join(dir, zipName), false);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const download = this.offer({
      kind: 'file',
      file: path.join(dir, zipName),
      name: zipName,
      mime: 'application/zip',
    });
    return { written: 'download', path: null, download, names, skipped };
  }

  /** The download registered under `id`; a file download is handed out once. */
  take(id: string): Download | undefined {
    const download = this.downloads.get(id);
    if (download?.kind === 'file') this.downloads.delete(id);
    return download;
  }

  /** Removes a sent export's temporary file and folder. */
  static discard(download: Download): void {
    if (download.kind === 'file') rmSync(path.dirname(download.file), { recursive: true, force: true });
  }

  private offer(download: Download): string {
    const id = randomUUID();
    this.downloads.set(id, download);
    // Image downloads stay valid for the session; cap the map so a long session cannot grow it forever.
    if (this.downloads.size > 500) {
      const oldest = this.downloads.keys().next().value;
      const evicted = oldest === undefined ? undefined : this.downloads.get(oldest);
      if (oldest !== undefined) this.downloads.delete(oldest);
      if (evicted) FilesFacade.discard(evicted);
    }
    // A file nobody fetches (the tab closed first) leaves temp after a while, not at the next reboot.
    if (download.kind === 'file') {
      setTimeout(() => {
        if (this.downloads.get(id) !== download) return;
        this.downloads.delete(id);
        FilesFacade.discard(download);
      }, FILE_DOWNLOAD_TTL_MS).unref();
    }
    return `/download/${id}/${encodeURIComponent(download.name)}`;
  }

  private imageIdOf(request: SaveRequest): number {
    if (request.imageId) return request.imageId;
    if (!request.generationId) throw new AtelierError('USAGE', 'files.saveAs: give imageId or generationId');
    const row = this.engine.store.getGeneration(request.generationId);
    if (!row.outputImageId) {
      throw new AtelierError('NOT_FOUND', `Item ${request.generationId} has no result to save`, {
        hint: row.outputExpired ? 'the result expired; re-render it first' : 'the generation failed',
      });
    }
    return row.outputImageId;
  }
}

/** The suggested name with the stored image's real extension, stripped of folder parts. */
export function fileNameFor(suggested: string, mime: string): string {
  const ext = EXT_BY_MIME[mime] ?? 'png';
  const base = [...path.basename(suggested.replaceAll('\\', '/'))]
    .map((c) => (c.charCodeAt(0) < 32 || ':*?"<>|'.includes(c) ? '_' : c))
    .join('');
  const stem = base.replace(/\.[^.]+$/, '') || 'image';
  return `${stem}.${ext}`;
}

function imageFilter(mime: string): FileFilter {
  const ext = EXT_BY_MIME[mime] ?? 'png';
  return { name: `${ext.toUpperCase()} image`, extensions: ext === 'jpg' ? ['jpg', 'jpeg'] : [ext] };
}

/** `name.png`, else `name (2).png`, `name (3).png`… — Save never overwrites. */
function freePath(file: string): string {
  if (!existsSync(file)) return file;
  const { dir, name, ext } = path.parse(file);
  for (let n = 2; ; n++) {
    const candidate = path.join(dir, `${name} (${n})${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/** Any failure to write is OUTPUT_NOT_WRITABLE saying the work is safe (it is in the history). */
async function writeKeepingWork(target: string, bytes: Buffer, replace: boolean): Promise<void> {
  try {
    await writeFileAtomic(target, bytes, { replace });
  } catch (cause) {
    if (cause instanceof AtelierError && cause.code === 'OUTPUT_EXISTS') throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'the folder is read-only'
        : (code ?? 'error');
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot save ${target} (${why})`, {
      hint: 'choose another folder; your work is still in the history',
      file: target,
      cause,
    });
  }
}

/** A chosen destination's folder must still exist: it is not silently recreated somewhere else. */
function assertFolderExists(target: string): void {
  const dir = path.dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `The folder ${dir} no longer exists`, {
      hint: 'choose another folder; your work is still in the history',
      file: target,
    });
  }
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
