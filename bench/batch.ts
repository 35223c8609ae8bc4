/**
 * Batch throughput: a folder of mixed photos (1 to 24 MP) cut out through the job queue, as the CLI
 * does it. Prints images per minute, p50/p95 per image, peak RSS near the start and near the end of
 * the batch (flat = memory does not grow with the batch), and throughput as a fraction of two
 * bounds: the serial stage (the sum of the process stage, which is the model run alone: refinement
 * rides with encoding so it overlaps the next photo's inference) and pure inference (onnxruntime
 * alone on the model's input size). Target ≥ 0.85. On a CPU the other stages compete with inference
 * for the same cores, so core utilization (CPU time over wall × cores) is printed too: near 1 means
 * the pipeline keeps the machine busy and the remaining gap is pixel work, not waiting.
 *
 *   npx tsx bench/batch.ts            (200 images)
 *   BENCH_BATCH_COUNT=20 npx tsx bench/batch.ts
 *   BENCH_BATCH_CONCURRENCY=6 …      (items in flight, as --concurrency; default tuned to the machine)
 */
import { linkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { Engine } from '../electron/engine/engine';
import { loadOrt } from '../electron/engine/models/sessions';
import { FIXTURE_PHOTOS, fixturePhoto, tempDir } from '../electron/engine/testing/fixtures';

const MEGAPIXELS = [1, 2, 4, 8, 12, 16, 24];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * One JPEG per (photo, size); the batch reuses them through hard links (distinct paths, no disk
 * cost). Sizes cycle fastest, so every stretch of the batch has the same mix (start and end compare).
 */
async function makeInputs(dir: string, count: number): Promise<string[]> {
  const variants: string[] = [];
  for (const photo of FIXTURE_PHOTOS) {
    for (const mp of MEGAPIXELS) {
      const meta = await sharp(fixturePhoto(photo)).metadata();
      const aspect = (meta.width ?? 1) / (meta.height ?? 1);
      const height = Math.round(Math.sqrt((mp * 1e6) / aspect));
      const width = Math.round(height * aspect);
      const file = path.join(dir, 'variants', `${photo}-${mp}mp.jpg`);
      mkdirSync(path.dirname(file), { recursive: true });
      await sharp(fixturePhoto(photo))
        .resize(width, height, { fit: 'fill' })
        .jpeg({ quality: 88 })
        .toFile(file);
      variants.push(file);
    }
  }
  const inputs: string[] = [];
  const inDir = path.join(dir, 'in');
  mkdirSync(inDir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const source = variants[i % variants.length] ?? '';
    const file = path.join(inDir, `${String(i).padStart(4, '0')}-${path.basename(source)}`);
    linkSync(source, file);
    inputs.push(file);
  }
  return inputs;
}

/** Median wall time of one onnxruntime run of the cutout model on its input size (no pre/post work). */
async function pureInferenceMs(engine: Engine, runs = 10): Promise<number> {
  const loaded = await engine.sessions.load('u2netp', 'cpu');
  const ort = await loadOrt();
  const size = loaded.entry.input.size === 'dynamic' ? { width: 320, height: 320 } : loaded.entry.input.size;
  const tensor = new ort.Tensor('float32', new Float32Array(3 * size.width * size.height), [
    1,
    3,
    size.height,
    size.width,
  ]);
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    await loaded.session.run({ [loaded.inputName]: tensor });
    if (i >= 2) times.push(performance.now() - t0);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

export async function benchBatch(): Promise<void> {
  const count = Number(process.env.BENCH_BATCH_COUNT ?? 200);
  const work = tempDir('atelier-bench-batch-');
  try {
    console.log(`preparing ${count} photos (${MEGAPIXELS.join(', ')} MP)…`);
    const inputs = await makeInputs(work.dir, count);
    const engine = await Engine.open({
      profileDir: path.join(work.dir, 'profile'),
      provider: 'cpu',
      billing: 'none',
      ...(process.env.BENCH_BATCH_CONCURRENCY
        ? { concurrency: Number(process.env.BENCH_BATCH_CONCURRENCY) }
        : {}),
    });
    try {
      const inferenceMs = await pureInferenceMs(engine);
      const outDir = path.join(work.dir, 'out');
      const run = engine.jobs.start({
        operation: 'cutout',
        params: { model: 'u2netp', format: 'png' },
        outputDir: outDir,
        items: inputs.map((input) => ({
          input,
          output: path.join(outDir, `${path.basename(input, '.jpg')}.png`),
          status: 'pending' as const,
        })),
      });
      const rss: { at: number; rss: number; heap: number; buffers: number }[] = [];
      let finished = 0;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        rss.push({ at: finished, rss: m.rss, heap: m.heapUsed, buffers: m.arrayBuffers });
      }, 50);
      run.on('item', (e) => {
        if (e.stage === 'finished') finished += 1;
      });
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const outcome = await run.finished;
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      clearInterval(sampler);

      const done = outcome.results.filter((r) => r.status === 'done');
      const failed = outcome.results.filter((r) => r.status === 'failed');
      const totals = done.map((r) => r.timings.total).sort((a, b) => a - b);
      const serialMs = done.reduce((s, r) => s + r.timings.process, 0);
      const tenth = Math.max(MEGAPIXELS.length, Math.floor(count / 10));
      const peak = (from: number, to: number, key: 'rss' | 'heap' | 'buffers' = 'rss') =>
        Math.max(0, ...rss.filter((s) => s.at >= from && s.at < to).map((s) => s[key])) / 2 ** 20;
      const perMinute = (done.length / wallMs) * 60_000;
      const mb = (v: number) => `${v.toFixed(0)} MiB`;
      console.log(
        `images: ${done.length} done, ${failed.length} failed, wall ${(wallMs / 1000).toFixed(1)} s`,
      );
      console.log(`throughput: ${perMinute.toFixed(1)} images/min`);
      console.log(
        `per image (queue to written): p50 ${percentile(totals, 50).toFixed(0)} ms, p95 ${percentile(totals, 95).toFixed(0)} ms`,
      );
      const mean = (k: 'decode' | 'process' | 'encode' | 'record') =>
        (done.reduce((sum, r) => sum + (r.timings[k] ?? 0), 0) / Math.max(1, done.length)).toFixed(0);
      console.log(
        `stage means per image: decode+resize ${mean('decode')} ms, inference ${mean('process')} ms, refine+compose+encode ${mean('encode')} ms, history record ${mean('record')} ms (${os.availableParallelism()} cores)`,
      );
      console.log(
        `peak RSS: first ${tenth} images ${mb(peak(0, tenth))}, last ${tenth} images ${mb(peak(count - tenth, count + 1))}`,
      );
      // Which memory grows, if RSS does (measured: not the heap, not Buffers, but glibc's per-thread
      // malloc arenas: MALLOC_ARENA_MAX=2 took 35 photos from +192 MiB to +29 MiB).
      console.log(
        `  MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset (glibc default: 8 per core)'}`,
      );
      // Which memory grows, if RSS does: the JS heap, Buffers (pixels) or neither (native: libvips, malloc).
      console.log(
        `  of which JS heap ${mb(peak(0, tenth, 'heap'))} → ${mb(peak(count - tenth, count + 1, 'heap'))}, Buffers ${mb(peak(0, tenth, 'buffers'))} → ${mb(peak(count - tenth, count + 1, 'buffers'))}`,
      );
      console.log(
        `serial-stage bound (Σ process stage ${(serialMs / 1000).toFixed(1)} s): ${(serialMs / wallMs).toFixed(2)} of the bound (target ≥ 0.85)`,
      );
      const inferenceBoundMs = inferenceMs * done.length;
      console.log(
        `pure-inference bound (${inferenceMs.toFixed(1)} ms per run): ${(inferenceBoundMs / wallMs).toFixed(2)} of the bound`,
      );
      // On a CPU, decoding, refinement and encoding compete with inference for the same cores, so
      // the real ceiling is keeping every core busy: CPU time over (wall × cores) says how close.
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(
        `core utilization: ${(cpuMs / (wallMs * os.availableParallelism())).toFixed(2)} (CPU ${(cpuMs / 1000).toFixed(1)} s over ${os.availableParallelism()} cores × ${(wallMs / 1000).toFixed(1)} s)`,
      );
      if (failed[0]) console.log(`first failure: ${failed[0].error?.message}`);
    } finally {
      await engine.close();
    }
  } finally {
    work.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchBatch();
}
