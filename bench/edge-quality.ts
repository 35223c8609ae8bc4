/**
 * Edge quality of the cut-out against two references, raw model vs our edge stage, in one run:
 *  - teacher agreement: the four rembg fixtures' BiRefNet and IS-Net alphas (bigger models, a teacher
 *    rather than ground truth), scored only in the edge band (see teacherBand) as MAE and IoU;
 *  - the Oxford pets development set: IoU at 128 and MAE with the trimap's boundary band ignored.
 * `raw` is the model's mask Lanczos-resized to the photo (what a plain rembg pipeline writes).
 *
 *   npx tsx bench/edge-quality.ts [--dump DIR]   (DIR: every mask as PNG, for looking at)
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../electron/engine/imaging/decode';
import type { Mask, RawImage } from '../electron/engine/imaging/raw';
import { defaultMatteOptions, finishMatte, inferMatte, preprocessForMatte } from '../electron/engine/matte';
import { bandAgreement, teacherBand } from '../electron/engine/matte/edge-metrics';
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { FIXTURE_PHOTOS, fixturePhoto, rembgExpected, sharedDir } from '../electron/engine/testing/fixtures';

const TEACHERS = ['birefnet-general', 'isnet-general-use'] as const;
const petsDir = path.join(sharedDir, 'fixtures', 'gt', 'oxford_pets_subset');

type Variant = { name: string; run: (image: RawImage, low: Mask) => Promise<Mask> };

export const VARIANTS: Variant[] = [
  { name: 'raw', run: (image, low) => finishMatte(image, low, { ...defaultMatteOptions, refine: false }) },
  { name: 'edge', run: (image, low) => finishMatte(image, low, defaultMatteOptions) },
];

async function alphaOf(file: string): Promise<Uint8Array> {
  const buf = await sharp(file).ensureAlpha().extractChannel(3).raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

async function greyOf(file: string): Promise<Uint8Array> {
  const buf = await sharp(file).toColourspace('b-w').extractChannel(0).raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** IoU at 128 and MAE on [0,1], pixels whose ground truth is 128 (the unlabelled band) ignored. */
function scoreGt(pred: Uint8Array, gt: Uint8Array): { inter: number; union: number; err: number; n: number } {
  let inter = 0;
  let union = 0;
  let err = 0;
  let n = 0;
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    if (g === 128) continue;
    const p = pred[i]!;
    const a = p >= 128;
    const b = g >= 128;
    if (a && b) inter++;
    if (a || b) union++;
    err += Math.abs(p - g) / 255;
    n++;
  }
  return { inter, union, err, n };
}

export async function benchEdgeQuality(dump?: string): Promise<void> {
  const sessions = new ModelSessions(new ModelRegistry());
  const model = await sessions.load('u2netp', 'cpu');
  const lowOf = async (image: RawImage) => inferMatte(model, await preprocessForMatte(image, model.entry));
  if (dump) mkdirSync(dump, { recursive: true });

  console.log('teacher agreement in the edge band (MAE lower is better · IoU higher is better):');
  const teacherTotals = new Map<string, { mae: number; iou: number; n: number }>();
  for (const photo of FIXTURE_PHOTOS) {
    const decoded = await decodeImage(fixturePhoto(photo));
    const low = await lowOf(decoded.image);
    const teachers = await Promise.all(
      TEACHERS.map((t) => alphaOf(path.join(rembgExpected, `${photo}.${t}.png`))),
    );
    const { width, height } = decoded.image;
    const bands = teachers.map((t) => teacherBand(t, width, height));
    const cells: string[] = [];
    for (const variant of VARIANTS) {
      const mask = await variant.run(decoded.image, low);
      if (dump) await writeMask(mask, path.join(dump, `${photo}.${variant.name}.png`));
      let mae = 0;
      let iou = 0;
      teachers.forEach((teacher, k) => {
        const a = bandAgreement(mask.data, teacher, bands[k]!);
        mae += a.mae / teachers.length;
        iou += a.iou / teachers.length;
      });
      const total = teacherTotals.get(variant.name) ?? { mae: 0, iou: 0, n: 0 };
      teacherTotals.set(variant.name, { mae: total.mae + mae, iou: total.iou + iou, n: total.n + 1 });
      cells.push(`${variant.name} ${mae.toFixed(4)}/${iou.toFixed(4)}`);
    }
    console.log(`  ${photo.padEnd(13)} ${cells.join('  ')}`);
  }
  console.log(
    `  mean          ${[...teacherTotals].map(([k, v]) => `${k} ${(v.mae / v.n).toFixed(4)}/${(v.iou / v.n).toFixed(4)}`).join('  ')}`,
  );

  if (process.env.EDGE_QUICK) return;
  const files = readdirSync(path.join(petsDir, 'images')).filter((f) => f.endsWith('.jpg'));
  const gtTotals = new Map<string, { iou: number; mae: number }>();
  for (const file of files) {
    const stem = path.parse(file).name;
    const decoded = await decodeImage(path.join(petsDir, 'images', file));
    const low = await lowOf(decoded.image);
    const gt = await greyOf(path.join(petsDir, 'masks', `${stem}.png`));
    for (const variant of VARIANTS) {
      const mask = await variant.run(decoded.image, low);
      if (dump) await writeMask(mask, path.join(dump, `pets-${stem}.${variant.name}.png`));
      const s = scoreGt(mask.data, gt);
      const total = gtTotals.get(variant.name) ?? { iou: 0, mae: 0 };
      gtTotals.set(variant.name, {
        iou: total.iou + (s.union ? s.inter / s.union : 1) / files.length,
        mae: total.mae + s.err / s.n / files.length,
      });
    }
  }
  console.log(`pets (${files.length}, band ignored; mean per image, as score-masks.mjs):`);
  for (const [k, v] of gtTotals)
    console.log(`  ${k.padEnd(10)} IoU ${v.iou.toFixed(4)}  MAE ${v.mae.toFixed(4)}`);
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
