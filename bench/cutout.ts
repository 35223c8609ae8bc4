/**
 * Cutout per stage at about 1, 12 and 24 MP (a fixture photo upscaled), each size in its own child
 * process so peak RSS is that size's alone. Prints decode, preprocess, infer, refine, cutout
 * (decontamination), encode, end-to-end ÷ inference and peak RSS. Targets (read, not asserted):
 * ≤ 1.5× inference at 1 MP; 24 MP within 1.5 GB peak RSS. Run alone: `npx tsx bench/cutout.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const SIZES_MP = [1, 12, 24];
const here = fileURLToPath(import.meta.url);

async function measureOne(file: string): Promise<void> {
  const { decodeImage } = await import('../electron/engine/imaging/decode');
  const { encodeImage } = await import('../electron/engine/imaging/encode');
  const { preprocessForMatte, inferMatte, finishMatte, cutoutRgba, defaultMatteOptions } =
    await import('../electron/engine/matte');
  const { ModelRegistry } = await import('../electron/engine/models/registry');
  const { ModelSessions } = await import('../electron/engine/models/sessions');
  const model = await new ModelSessions(new ModelRegistry()).load('u2netp', 'cpu');
  // One warm-up inference so session start-up is not counted.
  const warm = await preprocessForMatte(
    { data: Buffer.alloc(64 * 64 * 3), width: 64, height: 64, channels: 3 },
    model.entry,
  );
  await inferMatte(model, warm);
  const t: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const value = await fn();
    t[name] = performance.now() - start;
    return value;
  };
  const decoded = await time('decode', () => decodeImage(file, { maxPixels: 200_000_000 }));
  const input = await time('preprocess', () => preprocessForMatte(decoded.image, model.entry));
  const low = await time('infer', () => inferMatte(model, input));
  const mask = await time('refine', () => finishMatte(decoded.image, low, defaultMatteOptions));
  const rgba = await time('cutout', () => cutoutRgba(decoded.image, mask, { decontaminate: true }));
  await time('encode', () => encodeImage(rgba, { format: 'png', icc: decoded.icc }));
  const total = Object.values(t).reduce((a, b) => a + b, 0);
  const mp = (decoded.image.width * decoded.image.height) / 1e6;
  const peak = process.resourceUsage().maxRSS / 1024;
  const stages = Object.entries(t)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(' · ');
  console.log(
    `${mp.toFixed(1).padStart(5)} MP  ${stages} ms  | end-to-end ${Math.round(total)} ms = ${(total / t.infer!).toFixed(2)}× inference | peak RSS ${Math.round(peak)} MB`,
  );
}

export async function benchCutout(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-cutout-'));
  try {
    const source = path.resolve(
      path.dirname(here),
      '..',
      '..',
      'shared',
      'fixtures',
      'rembg',
      'images',
      'cloth-1.jpg',
    );
    const meta = await sharp(source).metadata();
    console.log('cutout (u2netp, CPU, refine + decontaminate, PNG out), one process per size:');
    for (const mp of SIZES_MP) {
      const scale = Math.sqrt((mp * 1e6) / (meta.width! * meta.height!));
      const file = path.join(dir, `cloth-${mp}mp.jpg`);
      await sharp(source, { limitInputPixels: false })
        .resize(Math.round(meta.width! * scale), Math.round(meta.height! * scale), { kernel: 'lanczos3' })
        .jpeg({ quality: 92 })
        .toFile(file);
      process.stdout.write(
        execFileSync(process.execPath, ['--import', 'tsx', here, '--one', file], { encoding: 'utf8' }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const oneIndex = process.argv.indexOf('--one');
if (oneIndex > 0) await measureOne(process.argv[oneIndex + 1]!);
else if (process.argv[1] === here) await benchCutout();
