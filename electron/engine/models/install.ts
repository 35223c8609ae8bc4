/**
 * Installs a manifest model into the profile's models folder: from the model's upstream URL or a
 * mirror (a studio may host models on its own network), resumable, verified, and never half-written.
 *
 * The download goes to `<file>.partial` (kept across a stall or a dropped connection, so the next
 * attempt resumes with a Range request) and becomes `<file>` only after its size and digest match the
 * manifest. A mismatch, a cancel or a full disk removes the partial file: nothing is left behind that
 * the registry could load. `<file>.lock` keeps two installs of one model (two windows, app and CLI)
 * from writing the same file.
 */
import {
  createWriteStream,
  existsSync,
  type WriteStream,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AtelierError } from '../errors';
import { modelFileProblem } from './checksum';
import type { ModelEntry } from './manifest';
import type { ModelLocation, ModelRegistry } from './registry';

/**
 * The most a model of unknown size may download when its manifest entry gives no `maxBytes` either
 * (the largest catalog model is ~220 MB): past it the mirror is sending something else, or never ends.
 */
export const MAX_UNKNOWN_MODEL_BYTES = 2 * 1024 ** 3;

export interface InstallOptions {
  /** Base URL of a mirror holding the files as laid out by `mirrorPath` (else the upstream URL). */
  mirror?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Bytes so far and in all (0 when neither the manifest nor the server says). */
  onProgress?: ((received: number, total: number) => void) | undefined;
  /** An attempt that receives no byte for this long stops and resumes. Default 30 s. */
  stallMs?: number;
  /** Resumed attempts after a stall or a dropped connection. Default 3. */
  retries?: number;
}

/** The mirror from the environment (`ATELIER_MODELS_MIRROR`), for hosts that pass no option. */
export function mirrorFromEnv(env = process.env): string | undefined {
  return env.ATELIER_MODELS_MIRROR?.trim() || undefined;
}

export function sourceUrl(entry: ModelEntry, mirror: string | undefined): string {
  if (mirror) {
    // The mirror as it may be shown: a user:password@ part is never printed (mistyped ones included).
    const shown = mirror.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1[redacted]@');
    let base: URL;
    try {
      base = new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
    } catch {
      throw new AtelierError('USAGE', `Mirror "${shown}" is not a URL`, {
        hint: 'give an http(s) URL, e.g. https://models.example.com/atelier/',
      });
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new AtelierError('USAGE', `Mirror "${shown}" is not an http(s) URL`, {
        hint: 'give an http(s) URL, e.g. https://models.example.com/atelier/',
      });
    }
    // fetch() refuses such URLs anyway (which used to be retried and reported as "interrupted"); saying so
    // up front also keeps the password out of every message and log line that names the URL.
    if (base.username || base.password) {
      throw new AtelierError(
        'USAGE',
        `Mirror "${base.protocol}//${base.host}${base.pathname}" has a user name or password in its URL`,
        {
          hint: 'give the mirror URL without user:password@ (a mirror that needs a sign-in is not supported)',
        },
      );
    }
    return new URL(entry.mirrorPath ?? entry.file, base).href;
  }
  if (!entry.url) {
    throw new AtelierError('NOT_FOUND', `Model "${entry.id}" has no download URL`, {
      hint: 'install it from a mirror that holds it: --mirror URL or ATELIER_MODELS_MIRROR',
    });
  }
  return entry.url;
}

export async function installModel(
  registry: ModelRegistry,
  id: string,
  options: InstallOptions = {},
): Promise<ModelLocation> {
  const { entry, origin } = registry.get(id);
  if (origin === 'custom') {
    throw new AtelierError('USAGE', `Model "${id}" is one of your own (custom models folder)`, {
      hint: `copy its file into ${registry.installDir} yourself`,
    });
  }
  const url = sourceUrl(entry, options.mirror);
  const target = path.join(registry.installDir, entry.file);
  await mkdir(path.dirname(target), { recursive: true });
  const release = acquireLock(`${target}.lock`, id);
  try {
    const partial = `${target}.partial`;
    await download(entry, url, partial, options);
    const problem = await modelFileProblem(partial, entry);
    if (problem) {
      await rm(partial, { force: true });
      throw new AtelierError(
        'MODEL_CORRUPT',
        `Model "${id}" downloaded from ${url} ${problem}; nothing was installed`,
        { hint: 'the source holds a different or damaged file: check the mirror, or try the upstream URL' },
      );
    }
    await rename(partial, target);
    return registry.get(id);
  } finally {
    release();
  }
}

/** Deletes an installed model from the profile's models folder (the app's own copies stay). */
export async function removeModel(registry: ModelRegistry, id: string): Promise<boolean> {
  const { entry, origin } = registry.get(id);
  if (origin === 'custom') {
    throw new AtelierError('USAGE', `Model "${id}" is one of your own (custom models folder)`, {
      hint: `delete its file from ${registry.installDir} yourself`,
    });
  }
  const file = path.join(registry.installDir, entry.file);
  const existed = existsSync(file);
  await rm(file, { force: true });
  await rm(`${file}.partial`, { force: true });
  return existed;
}

function acquireLock(lock: string, id: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }), {
        flag: 'wx',
      });
      return () => rmLock(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(error, id, lock);
      const holder = lockHolder(lock);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new AtelierError('USAGE', `Model "${id}" is already being installed (process ${holder})`, {
          hint: 'wait for that install to finish',
        });
      }
      if (holder === process.pid) {
        throw new AtelierError('USAGE', `Model "${id}" is already being installed`, {
          hint: 'wait for that install to finish',
        });
      }
      rmLock(lock); // left by a process that died: take it over
    }
  }
  throw new AtelierError('INTERNAL', `Could not lock ${lock}`, { file: lock });
}

function lockHolder(lock: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function rmLock(lock: string): void {
  rmSync(lock, { force: true });
}

function writeError(error: unknown, id: string, file: string): AtelierError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') {
    return new AtelierError('OUTPUT_NOT_WRITABLE', `No space left to install model "${id}"`, {
      hint: `free some disk space in ${path.dirname(file)} and install again`,
      file,
      cause: error,
    });
  }
  return new AtelierError('OUTPUT_NOT_WRITABLE', `Cannot write model "${id}" to ${file}`, {
    hint: 'check that the profile folder is writable',
    file,
    cause: error,
  });
}

class Stalled extends Error {}

/** Destroys `out` if it is still open and resolves once its file is closed (or was never opened). */
function closed(out: WriteStream): Promise<void> {
  if (out.closed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    out.once('close', () => resolve());
    out.destroy();
  });
}

/** Fetches `url` into `partial`, resuming what is there, retrying stalls and dropped connections. */
async function download(entry: ModelEntry, url: string, partial: string, options: InstallOptions) {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(entry, url, partial, options);
      return;
    } catch (error) {
      if (options.signal?.aborted) {
        await rm(partial, { force: true });
        throw new AtelierError('CANCELLED', `Install of model "${entry.id}" was cancelled`, {
          hint: 'nothing was kept; install it again when needed',
        });
      }
      // Our own errors are answers (404, a web page, the wrong size, a full disk): retrying cannot
      // change them. Anything else is the connection (a stall, a drop): resume from the partial file.
      if (error instanceof AtelierError) {
        if (error.code !== 'NETWORK') await rm(partial, { force: true });
        throw error;
      }
      if (attempt >= retries) {
        throw new AtelierError(
          'NETWORK',
          `Download of model "${entry.id}" from ${url} ${error instanceof Stalled ? 'stalled' : 'was interrupted'}`,
          {
            hint: 'the part already downloaded is kept: install again to resume',
            cause: error,
          },
        );
      }
    }
  }
}

async function downloadOnce(entry: ModelEntry, url: string, partial: string, options: InstallOptions) {
  let offset = existsSync(partial) ? statSync(partial).size : 0;
  const limit = sizeLimit(entry);
  if (offset > limit) {
    await rm(partial, { force: true });
    offset = 0;
  }
  if (offset === entry.bytes) return; // complete already: verify
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const stallMs = options.stallMs ?? 30_000;
  let timer = setTimeout(() => stall.abort(new Stalled('no data')), stallMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Stalled('no data')), stallMs);
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: offset ? { range: `bytes=${offset}-` } : {},
        signal,
        redirect: 'follow',
      });
    } catch (cause) {
      if (stall.signal.aborted) throw new Stalled('no response');
      throw cause;
    }
    if (response.status === 416 && offset > 0) {
      await rm(partial, { force: true }); // the server has less than we hold: start over
      throw new Error('range not satisfiable');
    }
    if (!response.ok || !response.body) {
      throw new AtelierError(
        'NETWORK',
        `Download of model "${entry.id}" failed: HTTP ${response.status} from ${url}`,
        {
          hint:
            response.status === 404
              ? 'the server does not have this file: check the mirror URL and its layout'
              : 'try again later, or install from another mirror',
        },
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (/text\/html|application\/xhtml/i.test(type)) {
      await response.body.cancel();
      throw new AtelierError(
        'MODEL_CORRUPT',
        `Download of model "${entry.id}" from ${url} returned a web page, not a model file`,
        { hint: 'the URL points at a page (a login or error page?): check the mirror URL' },
      );
    }
    const resumed = response.status === 206 && offset > 0;
    const start = resumed ? offset : 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    // Where the manifest does not know the size, the server's word is the limit (the digest still decides).
    const expected = entry.bytes ?? (Number.isFinite(length) ? start + length : null);
    if (Number.isFinite(length) && entry.bytes === null && start + length > limit) {
      await response.body.cancel();
      throw tooLarge(entry, url, `offers ${start + length} bytes`, limit);
    }
    if (Number.isFinite(length) && start + length !== expected) {
      await response.body.cancel();
      throw new AtelierError(
        'MODEL_CORRUPT',
        `Download of model "${entry.id}" from ${url} offers ${start + length} bytes, the manifest expects ${expected}; nothing was installed`,
        { hint: 'the source holds a different or truncated file: check the mirror, or try the upstream URL' },
      );
    }
    await writeBody(response.body, partial, resumed, start, expected, limit, entry, url, options, touch);
  } finally {
    clearTimeout(timer);
  }
}

async function writeBody(
  body: ReadableStream<Uint8Array>,
  partial: string,
  append: boolean,
  start: number,
  expected: number | null,
  limit: number,
  entry: ModelEntry,
  url: string,
  options: InstallOptions,
  touch: () => void,
): Promise<void> {
  const out = createWriteStream(partial, { flags: append ? 'a' : 'w' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let received = start;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), failed]);
      if (done) break;
      touch();
      received += value.byteLength;
      if (expected === null && received > limit) {
        await reader.cancel();
        throw tooLarge(entry, url, `passed ${received} bytes`, limit);
      }
      if (expected !== null && received > expected) {
        await reader.cancel();
        throw new AtelierError(
          'MODEL_CORRUPT',
          `Download of model "${entry.id}" from ${url} is larger than the ${expected} bytes expected; nothing was installed`,
          { hint: 'the source holds a different file: check the mirror' },
        );
      }
      if (!out.write(value))
        await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
      options.onProgress?.(received, expected ?? 0);
    }
    await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
    await closed(out);
  } catch (error) {
    // The stream opens and writes on libuv's thread pool: until it has closed, its open could still
    // create the partial file after a cancel removed it (left behind under load).
    await closed(out);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') {
      await rm(partial, { force: true });
      throw writeError(error, entry.id, partial);
    }
    throw error;
  }
  if (expected !== null && received < expected)
    throw new Error(`connection closed at ${received} of ${expected} bytes`);
}

/** The most bytes a download of `entry` may take: its exact size, its catalog bound, or the global cap. */
function sizeLimit(entry: ModelEntry): number {
  return entry.bytes ?? entry.maxBytes ?? MAX_UNKNOWN_MODEL_BYTES;
}

function tooLarge(entry: ModelEntry, url: string, what: string, limit: number): AtelierError {
  return new AtelierError(
    'MODEL_CORRUPT',
    `Download of model "${entry.id}" from ${url} ${what}, more than this model can be (at most ${limit}); nothing was installed`,
    { hint: 'the source holds a different file, or never stops sending: check the mirror' },
  );
}
