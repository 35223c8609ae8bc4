/**
 * Cutout speed against the plain rembg-style pipeline (bench/plain-u2netp.mjs), at about 0.4, 1, 12
 * and 24 MP (the fixture photos resized), refinement and decontamination on, RGBA PNG out:
 *  - per stage, in a child process per size (second pass, so JIT warm-up is not counted);
 *  - the whole CLI run (`atelier cutout DIR`, as a newcomer runs it: a fresh profile per chunk of 10
 *    photos, the free quota, history on) vs the plain run on the same chunks, interleaved round by
 *    round in the same run (the machine may be shared: only the ratio is meaningful), with each one's
 *    peak RSS; targets (read, not asserted): ≤ 1.25× at 0.4 MP, ≤ 1.1× at 12 MP, 24 MP within 1.5 GB;
 *  - then batch throughput and RSS at the start and end of a 100-photo batch (bench/batch.ts).
 *   npx tsx bench/cutout.ts     BENCH_CUTOUT_ROUNDS=3 BENCH_BATCH_COUNT=100 (defaults)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { FIXTURE_PHOTOS, fixturePhoto, repoRoot, tempDir } from '../electron/engine/testing/fixtures';

const SIZES: { mp: number; photos: number }[] = (process.env.BENCH_CUTOUT_SIZES
  ? JSON.parse(process.env.BENCH_CUTOUT_SIZES)
  : null) ?? [
  { mp: 0.4, photos: 27 },
  { mp: 1, photos: 6 },
  { mp: 12, photos: 3 },
  { mp: 24, photos: 2 },
];
/**
 * The CLI runs as a newcomer runs it: a fresh profile for every chunk of this many photos (the free
 * daily quota), history on, so each chunk pays start-up, the first model load and the history records.
 */
const CHUNK = Number(process.env.BENCH_CUTOUT_CHUNK ?? 10);
/** The CLI measured (BENCH_CUTOUT_CLI: another checkout's bin/atelier.js, for before/after figures). */
const cli = process.env.BENCH_CUTOUT_CLI ?? path.join(repoRoot, 'bin', 'atelier.js');
const here = fileURLToPath(import.meta.url);
const model = path.join(repoRoot, 'models', 'u2netp.onnx');

async function measureOne(file: string): Promise<void> {
  const { decodeImage } = await import('../electron/engine/imaging/decode');
  const { encodeImage } = await import('../electron/engine/imaging/encode');
  const { preprocessForMatte, inferMatte, finishMatte, cutoutRgba, defaultMatteOptions } =
    await import('../electron/engine/matte');
  const { ModelRegistry } = await import('../electron/engine/models/registry');
  const { ModelSessions } = await import('../electron/engine/models/sessions');
  const loaded = await new ModelSessions(new ModelRegistry()).load('u2netp', 'cpu');
  let t: Record<string, number> = {};
  let cpu: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const value = await fn();
    t[name] = performance.now() - start;
    const used = process.cpuUsage(startCpu);
    cpu[name] = (used.user + used.system) / 1000;
    return value;
  };
  for (let pass = 0; pass < 2; pass++) {
    t = {};
    cpu = {};
    const decoded = await time('decode', () => decodeImage(file, { maxPixels: 200_000_000 }));
    const input = await time('preprocess', () => preprocessForMatte(decoded.image, loaded.entry));
    const low = await time('infer', () => inferMatte(loaded, input));
    const mask = await time('refine', () => finishMatte(decoded.image, low, defaultMatteOptions));
    const rgba = await time('cutout', () => cutoutRgba(decoded.image, mask, { decontaminate: true }));
    await time('encode', () => encodeImage(rgba, { format: 'png', icc: decoded.icc }));
  }
  const stages = Object.entries(t)
    .map(([k, v]) => `${k} ${Math.round(v)}/${Math.round(cpu[k]!)}`)
    .join(' · ');
  console.log(`    stages (wall/CPU ms): ${stages}`);
}

interface Run {
  ms: number;
  /** User + system CPU time: steadier than wall time when other work shares the cores. */
  cpuMs: number;
  rssMb: number;
}

/** Runs a command under /usr/bin/time: wall and CPU milliseconds and peak RSS in MB. */
function timed(args: string[]): Run {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH_TIME %U %S %M', ...args], { encoding: 'utf8' });
  const ms = performance.now() - start;
  const m = /BENCH_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, rssMb: Number(m[3]) / 1024 };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN;

async function makePhotos(dir: string, mp: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    // Chunk folders, so each CLI run takes one quota's worth of photos.
    const chunkDir = path.join(dir, `chunk-${Math.floor(i / CHUNK)}`);
    mkdirSync(chunkDir, { recursive: true });
    const source = fixturePhoto(FIXTURE_PHOTOS[i % FIXTURE_PHOTOS.length]!);
    const meta = await sharp(source).metadata();
    const scale = Math.sqrt((mp * 1e6) / (meta.width! * meta.height!));
    await sharp(source, { limitInputPixels: false })
      .resize(Math.round(meta.width! * scale), Math.round(meta.height! * scale), { kernel: 'lanczos3' })
      .jpeg({ quality: 92 })
      .toFile(path.join(chunkDir, `photo-${i}.jpg`));
  }
}

function folderMb(dir: string): number {
  return (
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((s, e) => s + statSync(path.join(e.parentPath, e.name)).size, 0) /
    2 ** 20
  );
}

/** Sums of runs (one per chunk) as one run: times add up, peak RSS is the largest. */
function total(runs: Run[]): Run {
  return {
    ms: runs.reduce((s, r) => s + r.ms, 0),
    cpuMs: runs.reduce((s, r) => s + r.cpuMs, 0),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
  };
}

export async function benchCutout(): Promise<void> {
  const rounds = Number(process.env.BENCH_CUTOUT_ROUNDS ?? 3);
  const work = tempDir('atelier-bench-cutout-');
  try {
    console.log(
      `${cli}: cutout (u2netp, CPU, refine + decontaminate, RGBA PNG, history on, a fresh profile per ${CHUNK} photos) vs the plain pipeline, ${rounds} interleaved rounds, medians (load ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores):`,
    );
    for (const { mp, photos } of SIZES) {
      const inDir = path.join(work.dir, `in-${mp}`);
      await makePhotos(inDir, mp, photos);
      const ours: Run[] = [];
      const plain: Run[] = [];
      const oursOut = path.join(work.dir, `ours-${mp}`);
      const plainOut = path.join(work.dir, `plain-${mp}`);
      for (let r = 0; r < rounds; r++) {
        rmSync(oursOut, { recursive: true, force: true });
        rmSync(plainOut, { recursive: true, force: true });
        const chunks = readdirSync(inDir).sort();
        plain.push(
          total(
            chunks.map((chunk) =>
              timed([
                process.execPath,
                path.join(path.dirname(here), 'plain-u2netp.mjs'),
                model,
                path.join(inDir, chunk),
                path.join(plainOut, chunk),
              ]),
            ),
          ),
        );
        ours.push(
          total(
            chunks.map((chunk) =>
              // Through its shebang, as `npx atelier` starts it (that line also sets MALLOC_ARENA_MAX).
              timed([
                cli,
                'cutout',
                path.join(inDir, chunk),
                '--out',
                path.join(oursOut, chunk),
                '--provider',
                'cpu',
                '--profile',
                mkdtempSync(path.join(work.dir, 'newcomer-')),
              ]),
            ),
          ),
        );
      }
      const o = median(ours.map((x) => x.ms));
      const p = median(plain.map((x) => x.ms));
      const oc = median(ours.map((x) => x.cpuMs));
      const pc = median(plain.map((x) => x.cpuMs));
      console.log(
        `  ${String(mp).padStart(4)} MP × ${photos}: wall CLI ${(o / photos).toFixed(0)} / plain ${(p / photos).toFixed(0)} ms per photo → ${(o / p).toFixed(2)}× | CPU ${(oc / photos).toFixed(0)} / ${(pc / photos).toFixed(0)} ms → ${(oc / pc).toFixed(2)}× | peak RSS CLI ${Math.max(...ours.map((x) => x.rssMb)).toFixed(0)} MB, plain ${Math.max(...plain.map((x) => x.rssMb)).toFixed(0)} MB | PNG ${folderMb(oursOut).toFixed(1)} MB vs ${folderMb(plainOut).toFixed(1)} MB`,
      );
      process.stdout.write(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', here, '--one', path.join(inDir, 'chunk-0', 'photo-0.jpg')],
          {
            encoding: 'utf8',
          },
        ),
      );
    }
  } finally {
    work.cleanup();
  }
  process.env.BENCH_BATCH_COUNT ??= '100';
  if (process.env.BENCH_BATCH_COUNT === '0') return;
  const { benchBatch } = await import('./batch');
  console.log(`batch of ${process.env.BENCH_BATCH_COUNT} photos (bench/batch.ts):`);
  await benchBatch();
}

const oneIndex = process.argv.indexOf('--one');
if (oneIndex > 0) await measureOne(process.argv[oneIndex + 1]!);
else if (process.argv[1] === here) await benchCutout();
