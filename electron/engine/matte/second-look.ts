import type { Mask } from '../imaging/raw';
import type { TensorInput } from '../models/manifest';
import type { LoadedModel } from '../models/sessions';
import { inferMatte, type MatteInput } from './model-stages';
import type { MaskQuality } from './options';

/**
 * A second look (test-time augmentation): the model also sees the photo mirrored, and the two masks
 * are averaged. u2netp is not mirror-symmetric, so the mirrored pass errs elsewhere and the mean is
 * closer to the truth: on the pets set (band ignored) the default cut-out went IoU 0.8836 → 0.9006,
 * MAE 0.0573 → 0.0494 (bench/edge-quality.ts; the second look ran on 5 of 26 photos, averaged on 3).
 * Mirroring the model's input tensor equals mirroring the photo before the resize (Lanczos is
 * symmetric), so it costs one more inference at the model's size and nothing at full resolution.
 */

/**
 * The first mask is "unsure" from this share of pixels between 10 % and 90 % alpha; below it one look
 * is kept. The gate is there for speed (a second inference doubles the model's time): on the pets
 * set 5 of 26 photos pass it, among them the three the second look rescues (unsure 0.073–0.097,
 * IoU +0.08 to +0.21); confident masks (≤ 0.064) gain nothing from it.
 */
export const UNSURE_SHARE = 0.07;

/**
 * The two looks are averaged only when they disagree (IoU at 50 % below this): then one of them
 * has missed a part of the subject, and the mean keeps what either saw with enough confidence.
 * When they agree, averaging only blurs the edge and moved IoU down by up to 0.018 on the pets set
 * (Bengal_185, Maine_Coon_204), so the first look is kept.
 */
export const AGREEMENT = 0.9;
/**
 * Below this agreement the two looks share almost nothing: the model is guessing, and their mean is a
 * half-transparent mix of two guesses (rembg's plants-1, agreement 0.13: washed-out pots, edge-band
 * MAE against the teachers 0.325 → 0.378), so the first look is kept. The pets set's rescued photos
 * agree 0.56–0.86. One photo set this bound: it is a guard, not a tuned figure.
 */
export const MIN_AGREEMENT = 0.3;

/**
 * A first mask whose unsure band is this large against the subject it outlines (pixels at ≥ 50 %) has
 * no subject the model is sure of: the mirrored look then guesses elsewhere and is discarded by
 * MIN_AGREEMENT anyway (rembg's plants-1: unsure 0.080 of the photo against a subject of 0.087, ratio
 * 0.92, agreement 0.13). Skipping it there saves the inference. The pets set's unsure photos, whose
 * second look runs, are at 0.22–0.43; the bound sits between with room on both sides.
 */
export const MAX_UNSURE_PER_SUBJECT = 0.75;

/** Share of the mask's pixels that are neither clearly background nor clearly subject. */
export function unsureShare(mask: Mask): number {
  let unsure = 0;
  const { data } = mask;
  for (let i = 0; i < data.length; i++) {
    const a = data[i]!;
    if (a > 25 && a < 230) unsure++;
  }
  return data.length ? unsure / data.length : 0;
}

/**
 * Whether the first look is worth a second: unsure enough (UNSURE_SHARE), yet with a subject the model
 * is sure of (MAX_UNSURE_PER_SUBJECT). One pass over the mask.
 */
export function worthSecondLook(mask: Mask): boolean {
  let unsure = 0;
  let subject = 0;
  const { data } = mask;
  for (let i = 0; i < data.length; i++) {
    const a = data[i]!;
    if (a > 25 && a < 230) unsure++;
    if (a >= 128) subject++;
  }
  if (data.length === 0 || unsure / data.length < UNSURE_SHARE) return false;
  return unsure <= MAX_UNSURE_PER_SUBJECT * subject;
}

/** The input tensor mirrored left to right, in either layout. */
export function mirrorInput(input: MatteInput, layout: TensorInput['layout']): MatteInput {
  const { width, height, data } = input;
  const out = new Float32Array(data.length);
  if (layout === 'NCHW') {
    const plane = width * height;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        const row = c * plane + y * width;
        for (let x = 0; x < width; x++) out[row + x] = data[row + width - 1 - x]!;
      }
    }
  } else {
    for (let y = 0; y < height; y++) {
      const row = y * width * 3;
      for (let x = 0; x < width; x++) {
        const d = row + x * 3;
        const s = row + (width - 1 - x) * 3;
        out[d] = data[s]!;
        out[d + 1] = data[s + 1]!;
        out[d + 2] = data[s + 2]!;
      }
    }
  }
  return { ...input, data: out };
}

/** The mean of `first` and `mirrored` read back the right way round (mirrored is left-right flipped). */
export function averageMirrored(first: Mask, mirrored: Mask): Mask {
  const { width, height } = first;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      out[row + x] = (first.data[row + x]! + mirrored.data[row + width - 1 - x]! + 1) >> 1;
    }
  }
  return { data: out, width, height };
}

/** IoU at 50 % of `first` and `mirrored` read back the right way round. */
export function mirroredAgreement(first: Mask, mirrored: Mask): number {
  const { width, height } = first;
  let inter = 0;
  let union = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const a = first.data[row + x]! >= 128;
      const b = mirrored.data[row + width - 1 - x]! >= 128;
      if (a && b) inter++;
      if (a || b) union++;
    }
  }
  return union ? inter / union : 1;
}

export interface LookResult {
  mask: Mask;
  /** Whether the mirrored pass ran (the first mask was unsure enough to be worth it). */
  second: boolean;
  /** Whether the two looks were averaged (they disagreed). */
  averaged: boolean;
}

/**
 * The model's mask with a second, mirrored look where the first is unsure, averaged in where the
 * two disagree. `always` skips the unsure gate (the bench measures what the gate costs in quality).
 */
export async function inferWithSecondLook(
  model: LoadedModel,
  input: MatteInput,
  opts: { always?: boolean } = {},
): Promise<LookResult> {
  return secondLook(model, input, await inferMatte(model, input), opts);
}

/** The second look given the first look's mask (the bench times the two apart). */
export async function secondLook(
  model: LoadedModel,
  input: MatteInput,
  first: Mask,
  opts: { always?: boolean } = {},
): Promise<LookResult> {
  if (!opts.always && !worthSecondLook(first)) return { mask: first, second: false, averaged: false };
  const mirrored = await inferMatte(model, mirrorInput(input, model.entry.input.layout));
  const agreement = mirroredAgreement(first, mirrored);
  if (agreement >= AGREEMENT || agreement < MIN_AGREEMENT)
    return { mask: first, second: true, averaged: false };
  return { mask: averageMirrored(first, mirrored), second: true, averaged: true };
}

/** The model's low-resolution mask at the asked quality: one look (fast) or the second look (best). */
export async function inferAtQuality(
  model: LoadedModel,
  input: MatteInput,
  quality: MaskQuality,
): Promise<Mask> {
  return quality === 'best' ? (await inferWithSecondLook(model, input)).mask : inferMatte(model, input);
}
