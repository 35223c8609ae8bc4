/**
 * The engine's pixel worker pool, run for real (worker threads loading the engine's sources through
 * tsx, as every test and benchmark does): buffers move by transfer and come back, a worker's error
 * reaches the caller as an AtelierError naming the file, a running task can be cancelled and reports
 * progress, and closing drains what is outstanding.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import type { Stroke } from '../api/contract';
import type { Mask, RawImage } from '../imaging/raw';
import type { CompositionParams } from '../operations/cutout-compose';
import type { OutputEncoding } from '../operations/write-output';
import { fixturePhoto, tempDir } from '../testing/fixtures';
import { composeInPool, decodeInPool, strokesInPool } from './pixel-work';
import { PixelPool, scratchLimitFor } from './pool';
import { leasePixelPool } from './shared-pool';

const lease = leasePixelPool(2);
afterAll(() => lease.release());

const plain: CompositionParams = { maskOnly: false, edges: 'soft', feather: 0, decontaminate: false };
const png: OutputEncoding = { format: 'png', quality: 90, keepMetadata: false };

function photo(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  return { data, width, height, channels: 3 };
}

function halfMask(width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.fill(255, y * width, y * width + (width >> 1));
  return { data, width, height };
}

const wideStroke = (n: number, size: number): Stroke[] =>
  Array.from({ length: n }, (_, i) => ({
    mode: 'erase',
    edgeAware: true,
    size,
    hardness: 0.8,
    points: [
      [10 + i, 10],
      [1500, 900 - i],
    ],
  }));

describe('the pixel worker pool', () => {
  it('moves pixels to a worker by transfer and hands every image back', async () => {
    const source = photo(640, 480);
    const copy = Buffer.from(source.data);
    const mask = halfMask(640, 480);
    const out = await composeInPool(
      { photo: source, mask, composition: plain, encoding: png },
      { file: 'photo.jpg' },
    );
    // Transferred, not copied: the caller's buffers are detached while the worker holds them.
    expect(source.data.byteLength).toBe(0);
    expect(mask.data.byteLength).toBe(0);
    // ...and come back whole, as Buffers, with the composed picture.
    expect(Buffer.isBuffer(out.photo.data)).toBe(true);
    expect(out.photo.data.equals(copy)).toBe(true);
    expect(out.mask.data[0]).toBe(255);
    // The picture comes back encoded, with its History thumbnail.
    expect(out.output).toMatchObject({ width: 640, height: 480 });
    const { data, info } = await sharp(out.output.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 640, height: 480, channels: 4 });
    expect(data[3]).toBe(255); // left half: the subject
    expect(data[(640 - 1) * 4 + 3]).toBe(0); // right half: transparent
    expect(await sharp(out.output.thumbnail).metadata()).toMatchObject({ format: 'webp', width: 256 });
  });

  it('hands a decoded photo over in shared memory, which passes through tasks without a copy or transfer', async () => {
    // Shared memory is not counted against the engine's thread by its garbage collector (transfer.ts).
    const { decoded } = await decodeInPool({ file: fixturePhoto('car-1') }, 50_000_000);
    expect(decoded.image.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const { width, height } = decoded.image;
    const before = Buffer.from(decoded.image.data);
    const out = await composeInPool(
      { photo: decoded.image, mask: halfMask(width, height), composition: plain, encoding: png },
      { file: 'car-1.jpg' },
    );
    // Not detached (nothing was transferred), and the same memory comes back.
    expect(decoded.image.data.byteLength).toBe(before.length);
    expect(out.photo.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    out.photo.data[0] = (out.photo.data[0]! + 1) % 256;
    expect(decoded.image.data[0]).toBe(out.photo.data[0]);
    expect(await sharp(out.output.bytes).metadata()).toMatchObject({ width, height, format: 'png' });
  });

  it('gives each thread less memory to keep for reuse the more threads there are', () => {
    const MB = 1 << 20;
    expect(scratchLimitFor(1)).toBe(512 * MB);
    expect(scratchLimitFor(3)).toBe(512 * MB);
    expect(scratchLimitFor(8)).toBe(192 * MB);
    expect(scratchLimitFor(64)).toBe(128 * MB);
  });

  it('reports an error raised in a worker as the AtelierError it was, naming the file', async () => {
    const { dir, cleanup } = tempDir('atelier-pool-');
    try {
      const missing = path.join(dir, 'no-such-background.png');
      const failure = composeInPool(
        {
          photo: photo(64, 48),
          mask: halfMask(64, 48),
          composition: { ...plain, background: { type: 'image', path: missing } },
          encoding: png,
        },
        { file: 'photo.jpg' },
      );
      await expect(failure).rejects.toBeInstanceOf(AtelierError);
      await expect(failure).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining(missing),
      });
      // A plain Error thrown by a task (a bug) comes back as INTERNAL, with the file the task was given.
      const bug = strokesInPool(halfMask(64, 48), wideStroke(1, 10), undefined, { file: 'photo.jpg' });
      await expect(bug).rejects.toMatchObject({
        code: 'INTERNAL',
        file: 'photo.jpg',
        message: expect.stringContaining('photo.jpg'),
      });
      const error = (await bug.catch((e: unknown) => e)) as AtelierError;
      expect((error.cause as Error).stack).toContain('applyStrokes');
    } finally {
      cleanup();
    }
  });

  it('reports progress of a long stroke save, and a cancelled one stops with CANCELLED', async () => {
    const fractions: number[] = [];
    await strokesInPool(halfMask(400, 300), wideStroke(40, 20), photo(400, 300), {
      onProgress: (f) => fractions.push(f),
    });
    expect(fractions.length).toBeGreaterThan(5);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    const abort = new AbortController();
    let reported = 0;
    const long = strokesInPool(halfMask(800, 500), wideStroke(400, 60), photo(800, 500), {
      file: 'big.jpg',
      signal: abort.signal,
      // Cancel once the work is under way in its thread.
      onProgress: () => ++reported === 1 && abort.abort(),
    });
    await expect(long).rejects.toMatchObject({ code: 'CANCELLED', file: 'big.jpg' });
    expect(reported).toBeGreaterThan(0);
    // The pool goes on working after a thread was stopped.
    const after = await strokesInPool(halfMask(64, 48), [], undefined);
    expect(after.mask.data[0]).toBe(255);
  });

  it('runs a task queued behind a cancelled one, when the cancel stopped the only thread', async () => {
    // Piscina stops the thread of an aborted running task and, with no thread left, started none for
    // the task queued behind it: that task never settled, and a CLI batch cancelled with Ctrl-C exited
    // mid-batch with status 0 and no summary.
    const pool = new PixelPool(1);
    const abort = new AbortController();
    const long = pool.run(
      'strokes',
      { mask: halfMask(800, 500), strokes: wideStroke(400, 60), photo: photo(800, 500) },
      [],
      { signal: abort.signal, onProgress: () => abort.abort() },
    );
    const queued = pool.run('strokes', { mask: halfMask(64, 48), strokes: [] }, []);
    await expect(long).rejects.toMatchObject({ code: 'CANCELLED' });
    const stranded = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the queued task never ran')), 30_000).unref(),
    );
    const after = await Promise.race([queued, stranded]);
    expect(after.mask.width).toBe(64);
    // (Not in a finally: closing waits for the queued task, which is what failed.)
    await pool.close();
  });

  it('drains outstanding tasks when it closes, and refuses new ones', async () => {
    const pool = new PixelPool(1);
    const mask = halfMask(800, 600);
    const input = { mask, strokes: wideStroke(20, 40), photo: photo(800, 600) };
    const running = pool.run('strokes', input, [mask.data.buffer as ArrayBuffer]);
    const queued = pool.run('strokes', { mask: halfMask(64, 48), strokes: [] }, []);
    const closed = pool.close();
    await expect(pool.run('strokes', { mask: halfMask(8, 8), strokes: [] }, [])).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    const [a, b] = await Promise.all([running, queued]);
    expect(a.mask.width).toBe(800);
    expect(b.mask.width).toBe(64);
    await closed;
  });
});
