/**
 * History store benchmark (issue 3): insert rate for 1,000 generations with ~2 MB images, history page
 * latency with 10,000 generations (target < 20 ms), and database size against the raw image bytes.
 * Images are random bytes with explicit metadata: this measures the store, not sharp. Prints figures;
 * runnable alone with `npx tsx bench/history.ts`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Store } from '../electron/engine/store';
import { tempDir } from '../electron/engine/testing/fixtures';

const IMAGE_BYTES = 2 * 1024 * 1024;
const BIG_GENERATIONS = 1_000;
const TOTAL_GENERATIONS = 10_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function time(samples: number, fn: () => void): { median: number; p95: number } {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: percentile(ms, 50), p95: percentile(ms, 95) };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function benchHistory(): Promise<void> {
  const { dir, cleanup } = tempDir('atelier-bench-history-');
  const dbFile = path.join(dir, 'atelier.db');
  const store = Store.open({ database: dbFile });
  try {
    const thumbnail = randomBytes(12_000); // about what a 256 px WebP weighs
    const image = (bytes: number) => ({
      bytes: randomBytes(bytes),
      mime: 'image/png',
      width: 1000,
      height: 700,
      thumbnail,
    });
    const operations = ['cutout', 'background', 'stylize', 'compose'];
    const base = Date.now() - TOTAL_GENERATIONS * 60_000;
    let rawImageBytes = 0;

    // 1. 1,000 generations, each with its own ~2 MB input and ~2 MB output, plus a token debit.
    const start = performance.now();
    for (let i = 0; i < BIG_GENERATIONS; i++) {
      const input = image(IMAGE_BYTES);
      const output = image(IMAGE_BYTES);
      rawImageBytes += input.bytes.length + output.bytes.length + 2 * thumbnail.length;
      await store.recordGeneration(
        {
          operation: operations[i % 4] ?? 'cutout',
          params: { i, model: 'u2netp', refine: true },
          model: 'u2netp',
          provider: 'cpu',
          timings: { decode: 10, process: 300, encode: 20, total: 330 },
          status: 'done',
          inputName: `photo-${i}.jpg`,
          input,
          output,
          createdAt: new Date(base + i * 60_000),
        },
        { id: randomUUID(), tokens: 1, operation: 'cutout' },
      );
    }
    const insertSeconds = (performance.now() - start) / 1000;
    const mbWritten = rawImageBytes / 1_048_576;
    console.log(
      `insert: ${BIG_GENERATIONS} generations with 2×2 MB images in ${insertSeconds.toFixed(1)} s = ` +
        `${(BIG_GENERATIONS / insertSeconds).toFixed(1)} generations/s (${(mbWritten / insertSeconds).toFixed(0)} MB/s of images)`,
    );
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const dbBytes = fileSize(dbFile) + fileSize(`${dbFile}-wal`);
    console.log(
      `size: database ${(dbBytes / 1_048_576).toFixed(0)} MB for ${mbWritten.toFixed(0)} MB of raw image bytes ` +
        `(×${(dbBytes / rawImageBytes).toFixed(2)}; Base64 alone is ×1.33)`,
    );

    // 2. Fill up to 10,000 generations (small images) and time the history queries a grid makes.
    const small = performance.now();
    for (let i = BIG_GENERATIONS; i < TOTAL_GENERATIONS; i++) {
      await store.recordGeneration({
        operation: operations[i % 4] ?? 'cutout',
        params: { i },
        status: i % 20 === 0 ? 'failed' : 'done',
        inputName: `photo-${i}.jpg`,
        input: image(2_000),
        output: image(2_000),
        createdAt: new Date(base + i * 60_000),
      });
    }
    console.log(
      `fill: ${TOTAL_GENERATIONS - BIG_GENERATIONS} small generations in ${((performance.now() - small) / 1000).toFixed(1)} s`,
    );
    const firstPage = time(200, () => store.history({ limit: 50 }));
    let deepCursor: string | null = null;
    for (let i = 0; i < 150; i++) deepCursor = store.history({ limit: 50, cursor: deepCursor }).nextCursor;
    const deepPage = time(200, () => store.history({ limit: 50, cursor: deepCursor }));
    const filtered = time(200, () => store.history({ limit: 50, operation: 'stylize', status: 'done' }));
    const search = time(50, () => store.history({ limit: 50, text: 'photo-99' }));
    const count = time(50, () => store.count({ operation: 'cutout' }));
    const fmt = (t: { median: number; p95: number }) =>
      `median ${t.median.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms`;
    console.log(`page (50 of ${store.count()}, newest): ${fmt(firstPage)} (target < 20 ms)`);
    console.log(`page 151 by cursor:            ${fmt(deepPage)}`);
    console.log(`page filtered op+status:       ${fmt(filtered)}`);
    console.log(`page with file-name search:    ${fmt(search)}`);
    console.log(`count by operation:            ${fmt(count)}`);

    // 3. Export: 100 generations with 2×2 MB images in their own account; memory must not grow with them.
    store.signIn('bench-export', null);
    let exportRaw = 0;
    for (let i = 0; i < 100; i++) {
      const input = image(IMAGE_BYTES);
      const output = image(IMAGE_BYTES);
      exportRaw += input.bytes.length + output.bytes.length;
      await store.recordGeneration({ operation: 'cutout', params: { i }, status: 'done', input, output });
    }
    const out = tempDir('atelier-bench-export-');
    try {
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const t = performance.now();
      const result = await store.exportHistory(path.join(out.dir, 'export.zip'));
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const seconds = (performance.now() - t) / 1000;
      console.log(
        `export: ${result.generations} generations, ${(exportRaw / 1_048_576).toFixed(0)} MB of images → ` +
          `${(result.bytes / 1_048_576).toFixed(0)} MB zip in ${seconds.toFixed(1)} s; ` +
          `RSS ${(rssBefore / 1_048_576).toFixed(0)} MB before, peak ${(peak / 1_048_576).toFixed(0)} MB during`,
      );
    } finally {
      out.cleanup();
    }
  } finally {
    store.close();
    cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchHistory();
