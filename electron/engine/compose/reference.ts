/**
 * Reference-guided compositing: the cut-out product placed into a reference picture used as its
 * background, standing on the "floor" (base in the lower part of the frame, about 60 % of the frame
 * tall), moved sideways away from busy regions, with a contact shadow and optional colour
 * harmonization toward the reference.
 */
import type { Mask, RawImage } from '../imaging/raw';
import { composeOver, coverFit } from './background';
import type { Box } from './core/bounds';
import { placeSubject, requireBounds } from './canvas';
import { harmonizeColors } from './harmonize';
import { checkPictureSize, readPicture } from './image-file';
import { defaultShadow, applyShadow, renderShadow, type ShadowSpec } from './shadow';
import { rawFromSharp, sharpFromRaw } from './sharp-raw';

export interface ReferenceOptions {
  /** Output size; defaults to the reference's own size (the reference is cover-fitted to it). */
  width?: number;
  height?: number;
  /** Subject bounding-box height as a fraction of the frame (capped so it fits the width). */
  subjectHeight?: number;
  /** Where the subject's base sits, as a fraction of the frame height from the top. */
  floor?: number;
  /** 'auto' slides the subject sideways toward the calmest part of the floor; 'center' does not. */
  placement?: 'auto' | 'center';
  /** null for no shadow; defaults to `defaultShadow`. */
  shadow?: ShadowSpec | null;
  /** Colour harmonization toward the reference, 0 (off, default) to 1. */
  harmonize?: number;
}

export interface ReferenceResult {
  image: RawImage;
  /** Where the subject's bounding box landed. */
  box: Box;
}

/** Reference as a file: refused before decoding when missing, corrupt, tiny or too large. */
export async function placeOnReferenceFile(
  subject: RawImage,
  mask: Mask,
  referencePath: string,
  opts: ReferenceOptions = {},
): Promise<ReferenceResult> {
  const reference = await readPicture(referencePath, 'reference image');
  return placeOnReference(subject, mask, reference, opts);
}

export async function placeOnReference(
  subject: RawImage,
  mask: Mask,
  reference: RawImage,
  opts: ReferenceOptions = {},
): Promise<ReferenceResult> {
  checkPictureSize(reference.width, reference.height, 'reference image');
  const width = opts.width ?? reference.width;
  const height = opts.height ?? reference.height;
  const backdrop = await coverFit(reference, width, height);
  const bounds = requireBounds(mask);
  const floor = opts.floor ?? 0.9;
  const wanted = (opts.subjectHeight ?? 0.6) * height;
  const scale = Math.min(
    wanted / bounds.height,
    (0.9 * width) / bounds.width,
    (floor * height) / bounds.height,
  );
  const boxW = Math.max(1, Math.round(bounds.width * scale));
  const boxH = Math.max(1, Math.round(bounds.height * scale));
  const y = Math.round(floor * height) - boxH;
  const x =
    opts.placement === 'center' ? Math.round((width - boxW) / 2) : await calmestX(backdrop, boxW, y, boxH);
  const box: Box = { x, y, width: boxW, height: boxH };
  const placed = await placeSubject(subject, mask, bounds, box, width, height);
  // Harmonized after scaling: same statistics, far fewer pixels than a full-resolution cut-out.
  if (opts.harmonize) placed.layer = harmonizeColors(placed.layer, placed.mask, backdrop, opts.harmonize);
  const shadow = opts.shadow === undefined ? defaultShadow : opts.shadow;
  const ground = shadow ? applyShadow(backdrop, await renderShadow(placed.mask, shadow)) : backdrop;
  return { image: composeOver(placed.layer, ground), box };
}

/** Width of the small greyscale copy the busyness search runs on. */
const PROBE_WIDTH = 96;
/** How many horizontal positions are tried. */
const CANDIDATES = 11;
/** Penalty per frame-width away from the centre, in mean-gradient units: centre wins ties. */
const CENTRE_BIAS = 12;

/**
 * The left edge that puts the subject over the least textured part of the picture (mean gradient
 * magnitude of a small greyscale copy), preferring the centre when the picture is evenly busy.
 */
async function calmestX(backdrop: RawImage, boxW: number, top: number, boxH: number): Promise<number> {
  const { width, height } = backdrop;
  const maxX = width - boxW;
  if (maxX <= 0) return Math.round(maxX / 2);
  const probeH = Math.max(1, Math.round((PROBE_WIDTH * height) / width));
  const grey = await rawFromSharp(
    sharpFromRaw(backdrop)
      .removeAlpha()
      .greyscale()
      .resize(PROBE_WIDTH, probeH, { fit: 'fill' })
      .extractChannel(0),
  );
  const s = PROBE_WIDTH / width;
  const gradient = (x: number, y: number) => {
    const at = (xx: number, yy: number) => grey.data[yy * PROBE_WIDTH + xx] ?? 0;
    const x1 = Math.min(PROBE_WIDTH - 1, x + 1);
    const y1 = Math.min(probeH - 1, y + 1);
    return Math.abs(at(x1, y) - at(x, y)) + Math.abs(at(x, y1) - at(x, y));
  };
  let bestX = Math.round(maxX / 2);
  let bestCost = Infinity;
  for (let c = 0; c < CANDIDATES; c++) {
    const left = Math.round((maxX * c) / (CANDIDATES - 1));
    const x0 = Math.floor(left * s);
    const x1 = Math.min(PROBE_WIDTH, Math.ceil((left + boxW) * s));
    const y0 = Math.max(0, Math.floor(top * s));
    const y1 = Math.min(probeH, Math.ceil((top + boxH) * s));
    let sum = 0;
    let count = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        sum += gradient(x, y);
        count++;
      }
    }
    const cost = (count ? sum / count : 0) + (CENTRE_BIAS * Math.abs(left + boxW / 2 - width / 2)) / width;
    if (cost < bestCost) {
      bestCost = cost;
      bestX = left;
    }
  }
  return bestX;
}
