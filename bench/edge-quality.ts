/**
 * Cut-out quality, raw model vs the default pipeline, in one run:
 *  - masks: `raw` is one look of the model Lanczos-resized to the photo (what a plain rembg pipeline
 *    writes); `edge` adds the edge stage (guided refinement + steeper ramp); `look2` is the second
 *    look (second-look.ts) without the edge stage; `default` is both (the shipped cut-out);
 *  - teacher agreement: the four rembg fixtures' BiRefNet and IS-Net alphas (bigger models, a teacher
 *    rather than ground truth), scored only in the edge band (see teacherBand) as MAE and IoU;
 *  - the Oxford pets development set: IoU at 128 and MAE with the trimap's boundary band ignored;
 *  - fringes (fringe.ts): the default mask's cut-out with the photo's colours vs decontaminated, on
 *    white and on black, for the fixtures and the pets;
 *  - time per stage, and the one-click fixes' number-of-clicks simulation (click-quality.ts).
 *
 *   npx tsx bench/edge-quality.ts [--dump DIR]   (DIR: every mask as PNG, for looking at)
 *   EDGE_QUICK=1: the fixtures only.  EDGE_CLICKS=0: no click simulation.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../electron/engine/imaging/decode';
import type { Mask, RawImage } from '../electron/engine/imaging/raw';
import {
  cutoutRgba,
  defaultMatteOptions,
  finishMatte,
  inferMatte,
  preprocessForMatte,
  secondLook,
} from '../electron/engine/matte';
import { bandAgreement, teacherBand } from '../electron/engine/matte/edge-metrics';
import { fringeScore } from '../electron/engine/matte/fringe';
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { FIXTURE_PHOTOS, fixturePhoto, rembgExpected, sharedDir } from '../electron/engine/testing/fixtures';
import { CLICKS, gtIou, simulateClicks } from './click-quality';

const TEACHERS = ['birefnet-general', 'isnet-general-use'] as const;
const petsDir = path.join(sharedDir, 'fixtures', 'gt', 'oxford_pets_subset');

/** The model's two low-resolution masks for a photo, with the time each took. */
interface Looks {
  one: Mask;
  best: Mask;
  second: boolean;
  ms: { preprocess: number; infer: number; secondLook: number };
}

type Variant = { name: string; run: (image: RawImage, looks: Looks) => Promise<Mask> };

const noEdge = { ...defaultMatteOptions, refine: false };
export const VARIANTS: Variant[] = [
  { name: 'raw', run: (image, l) => finishMatte(image, l.one, noEdge) },
  { name: 'edge', run: (image, l) => finishMatte(image, l.one, defaultMatteOptions) },
  { name: 'look2', run: (image, l) => finishMatte(image, l.best, noEdge) },
  { name: 'default', run: (image, l) => finishMatte(image, l.best, defaultMatteOptions) },
];

/** Milliseconds per stage, summed over photos. */
class StageTimes {
  private readonly sums = new Map<string, number>();
  private photos = 0;
  add(stage: string, ms: number): void {
    this.sums.set(stage, (this.sums.get(stage) ?? 0) + ms);
  }
  photo(): void {
    this.photos++;
  }
  line(): string {
    return [...this.sums].map(([k, v]) => `${k} ${(v / this.photos).toFixed(0)}`).join(' · ');
  }
}

async function time<T>(times: StageTimes, stage: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const value = await fn();
  times.add(stage, performance.now() - t);
  return value;
}

async function alphaOf(file: string): Promise<Uint8Array> {
  const buf = await sharp(file).ensureAlpha().extractChannel(3).raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

async function greyOf(file: string): Promise<Uint8Array> {
  const buf = await sharp(file).toColourspace('b-w').extractChannel(0).raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** IoU at 128 and MAE on [0,1], pixels whose ground truth is 128 (the unlabelled band) ignored. */
function scoreGt(pred: Uint8Array, gt: Uint8Array): { iou: number; mae: number } {
  let err = 0;
  let n = 0;
  for (let i = 0; i < gt.length; i++) {
    if (gt[i] === 128) continue;
    err += Math.abs(pred[i]! - gt[i]!) / 255;
    n++;
  }
  return { iou: gtIou(pred, gt), mae: n ? err / n : 0 };
}

/** Fringe on white/black of the cut-out with the photo's own colours and decontaminated. */
async function fringes(image: RawImage, mask: Mask, times: StageTimes): Promise<number[]> {
  const plain = fringeScore(cutoutRgba(image, mask, { decontaminate: false }));
  const clean = await time(times, 'decontaminate', () => cutoutRgba(image, mask, { decontaminate: true }));
  const c = fringeScore(clean);
  return [plain.white, plain.black, c.white, c.black];
}

const fringeCells = (f: number[]) =>
  `fringe W/B ${f[0]!.toFixed(1)}/${f[1]!.toFixed(1)} → ${f[2]!.toFixed(1)}/${f[3]!.toFixed(1)}`;

function addInto(sum: number[], values: number[]): void {
  values.forEach((v, k) => (sum[k] = (sum[k] ?? 0) + v));
}

export async function benchEdgeQuality(dump?: string): Promise<void> {
  const sessions = new ModelSessions(new ModelRegistry());
  const model = await sessions.load('u2netp', 'cpu');
  const looksOf = async (image: RawImage): Promise<Looks> => {
    let t = performance.now();
    const input = await preprocessForMatte(image, model.entry);
    const preprocess = performance.now() - t;
    t = performance.now();
    const one = await inferMatte(model, input);
    const infer = performance.now() - t;
    t = performance.now();
    const look = await secondLook(model, input, one);
    return {
      one,
      best: look.mask,
      second: look.second,
      ms: { preprocess, infer, secondLook: performance.now() - t },
    };
  };
  const runVariants = async (image: RawImage, looks: Looks, times: StageTimes, name: string) => {
    const masks = new Map<string, Mask>();
    for (const variant of VARIANTS) {
      const t = performance.now();
      const mask = await variant.run(image, looks);
      if (variant.name === 'default') times.add('finish (edge stage)', performance.now() - t);
      if (variant.name === 'look2') times.add('finish (resize only)', performance.now() - t);
      masks.set(variant.name, mask);
      if (dump) await writeMask(mask, path.join(dump, `${name}.${variant.name}.png`));
    }
    times.add('preprocess', looks.ms.preprocess);
    times.add('infer', looks.ms.infer);
    times.add('second look', looks.ms.secondLook);
    times.photo();
    return masks;
  };
  if (dump) mkdirSync(dump, { recursive: true });

  console.log('fixtures: teacher agreement in the edge band (MAE lower is better / IoU higher is better):');
  const teacherTotals = new Map<string, { mae: number; iou: number; n: number }>();
  const fixtureTimes = new StageTimes();
  const fixtureFringe: number[] = [];
  for (const photo of FIXTURE_PHOTOS) {
    const decoded = await decodeImage(fixturePhoto(photo));
    const looks = await looksOf(decoded.image);
    const teachers = await Promise.all(
      TEACHERS.map((t) => alphaOf(path.join(rembgExpected, `${photo}.${t}.png`))),
    );
    const { width, height } = decoded.image;
    const bands = teachers.map((t) => teacherBand(t, width, height));
    const masks = await runVariants(decoded.image, looks, fixtureTimes, photo);
    const cells: string[] = [];
    for (const [name, mask] of masks) {
      let mae = 0;
      let iou = 0;
      teachers.forEach((teacher, k) => {
        const a = bandAgreement(mask.data, teacher, bands[k]!);
        mae += a.mae / teachers.length;
        iou += a.iou / teachers.length;
      });
      const total = teacherTotals.get(name) ?? { mae: 0, iou: 0, n: 0 };
      teacherTotals.set(name, { mae: total.mae + mae, iou: total.iou + iou, n: total.n + 1 });
      cells.push(`${name} ${mae.toFixed(4)}/${iou.toFixed(4)}`);
    }
    const f = await fringes(decoded.image, masks.get('default')!, fixtureTimes);
    addInto(fixtureFringe, f);
    console.log(
      `  ${photo.padEnd(13)} ${cells.join('  ')}  ${looks.second ? '2 looks' : '1 look '}  ${fringeCells(f)}`,
    );
  }
  console.log(
    `  mean          ${[...teacherTotals].map(([k, v]) => `${k} ${(v.mae / v.n).toFixed(4)}/${(v.iou / v.n).toFixed(4)}`).join('  ')}  ${fringeCells(fixtureFringe.map((v) => v / FIXTURE_PHOTOS.length))}`,
  );
  console.log(`  ms per photo: ${fixtureTimes.line()}`);

  if (process.env.EDGE_QUICK) return;
  const files = readdirSync(path.join(petsDir, 'images')).filter((f) => f.endsWith('.jpg'));
  const gtTotals = new Map<string, { iou: number; mae: number }>();
  const petTimes = new StageTimes();
  const petFringe: number[] = [];
  const clicks = process.env.EDGE_CLICKS !== '0';
  const clickSums = new Array<number>(CLICKS).fill(0);
  const clickMs: number[] = [];
  let reached = 0;
  let worst = { stem: '', drop: 0 };
  let twoLooks = 0;
  console.log(
    `pets (${files.length}, band ignored): IoU/MAE per variant; fringe before → after decontamination${clicks ? `; IoU after 1..${CLICKS} clicks` : ''}`,
  );
  for (const file of files) {
    const stem = path.parse(file).name;
    const decoded = await decodeImage(path.join(petsDir, 'images', file));
    const looks = await looksOf(decoded.image);
    if (looks.second) twoLooks++;
    const gt = await greyOf(path.join(petsDir, 'masks', `${stem}.png`));
    const masks = await runVariants(decoded.image, looks, petTimes, `pets-${stem}`);
    const cells: string[] = [];
    const scores = new Map<string, { iou: number; mae: number }>();
    for (const [name, mask] of masks) {
      const s = scoreGt(mask.data, gt);
      scores.set(name, s);
      const total = gtTotals.get(name) ?? { iou: 0, mae: 0 };
      gtTotals.set(name, { iou: total.iou + s.iou / files.length, mae: total.mae + s.mae / files.length });
      cells.push(`${name} ${s.iou.toFixed(3)}/${s.mae.toFixed(3)}`);
    }
    const drop = scores.get('raw')!.iou - scores.get('default')!.iou;
    if (drop > worst.drop) worst = { stem, drop };
    const f = await fringes(decoded.image, masks.get('default')!, petTimes);
    addInto(petFringe, f);
    let clickCell = '';
    if (clicks) {
      const start = masks.get('default')!;
      const r = simulateClicks(decoded.image, start, gt);
      r.ious.forEach((v, k) => (clickSums[k]! += v / files.length));
      clickMs.push(...r.ms);
      if (gtIou(start.data, gt) >= 0.9 || r.ious.some((v) => v >= 0.9)) reached++;
      clickCell = `  clicks ${r.ious.map((v) => v.toFixed(3)).join(' ')}`;
    }
    console.log(
      `  ${stem.padEnd(22)} ${cells.join('  ')}  ${looks.second ? '2' : '1'}  ${fringeCells(f)}${clickCell}`,
    );
  }
  console.log('  mean per image (as score-masks.mjs):');
  for (const [k, v] of gtTotals)
    console.log(`    ${k.padEnd(8)} IoU ${v.iou.toFixed(4)}  MAE ${v.mae.toFixed(4)}`);
  console.log(
    `  second look ran on ${twoLooks}/${files.length}; largest IoU drop raw → default: ${worst.drop.toFixed(4)}${worst.stem ? ` (${worst.stem})` : ''}`,
  );
  console.log(`  ${fringeCells(petFringe.map((v) => v / files.length))} (mean)`);
  console.log(`  ms per photo: ${petTimes.line()}`);
  if (clicks) {
    const sorted = [...clickMs].sort((a, b) => a - b);
    console.log(
      `  clicks: mean IoU ${clickSums.map((v, k) => `after ${k + 1}: ${v.toFixed(4)}`).join(', ')}; IoU ≥ 0.90 within ${CLICKS} clicks: ${reached}/${files.length} (${((100 * reached) / files.length).toFixed(0)} %); ms per click median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0) ?? '-'}, max ${sorted[sorted.length - 1]?.toFixed(0) ?? '-'}`,
    );
  }
}

async function writeMask(mask: Mask, file: string): Promise<void> {
  await sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength), {
    raw: { width: mask.width, height: mask.height, channels: 1 },
  })
    .png()
    .toFile(file);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--dump');
  await benchEdgeQuality(at > 0 ? process.argv[at + 1] : undefined);
}
