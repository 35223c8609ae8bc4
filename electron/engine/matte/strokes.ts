/**
 * Hand edits of a mask (the touch-up brush), applied at full resolution: each stroke is a polyline of
 * brush stamps with a diameter and a hardness, erasing (towards 0) or restoring (towards 255). Only the
 * stroke's bounding box is touched, so a brush on a 24 MP photo costs what its area costs.
 *
 * Edge-aware strokes follow the photo: the colours under the stroke's centre line are what the user
 * means (background to erase, or subject to restore); pixels of the brush whose colour is close to them
 * change, others keep their value, and the guided filter (guided-refine.ts) on the original's pixels of
 * that area snaps the resulting edge to the photo's colour edges.
 */
import type { Stroke } from '../api/contract';
import { looksLikeBackground } from '../compose/core/edge-side';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { guidedFilter } from './guided-refine';
import { applyPartStroke } from './part-select';

/** How close (RGB distance, 0..441) a colour must be to the stroke's colours to follow it fully. */
const COLOR_TOLERANCE = 40;
/** Colours sampled along the centre line of an edge-aware stroke. */
const MAX_COLOR_SAMPLES = 48;

/**
 * Pixel steps one save may spend applying its strokes (each kept segment's box, plus the passes over
 * each stroke's box): about what a dozen photo-wide strokes on a 24 MP photo cost, so no brush a designer
 * can paint is refused, while a crafted stroke (thousands of far-apart points under a photo-sized brush:
 * every segment then covers the whole photo) is refused before any pixel work.
 */
export const MAX_BRUSH_WORK = 2_000_000_000;
/** Passes over a stroke's box besides its segments (wanted values, applying them; edge-aware: more). */
const BOX_PASSES = 2;
const EDGE_AWARE_BOX_PASSES = 8;

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The mask with every stroke applied in order (a new mask; `mask` is left as it was). */
export function applyStrokes(mask: Mask, strokes: readonly Stroke[], photo?: RawImage): Mask {
  let out: Mask = { data: new Uint8Array(mask.data), width: mask.width, height: mask.height };
  for (const stroke of strokes) {
    if (strokeNeedsPhoto(stroke) && !photo)
      throw new Error(`a ${stroke.mode} stroke needs the original photo`);
    // A part stroke grows a region over the whole photo (part-select.ts); a brush stroke stays in its box.
    if (isPart(stroke)) out = applyPartStroke(out, stroke, photo!);
    else applyStroke(out, stroke, stroke.edgeAware ? photo : undefined);
  }
  return out;
}

/**
 * Refuses strokes whose brush work (points × brush area, as the brush really visits them on a
 * width×height mask) is past MAX_BRUSH_WORK, naming the stroke that crosses it. O(points), no pixel work.
 */
export function assertStrokeBudget(
  strokes: readonly Pick<Stroke, 'size' | 'points' | 'edgeAware'>[],
  width: number,
  height: number,
): void {
  let work = 0;
  for (const [i, stroke] of strokes.entries()) {
    work += strokeWork(stroke, width, height);
    if (work > MAX_BRUSH_WORK) {
      throw new AtelierError(
        'USAGE',
        `strokes[${i}] takes the brush work past what one save allows (${stroke.points.length} points of a ${Math.round(stroke.size)} px brush on a ${width}×${height} photo: over ${MAX_BRUSH_WORK / 1e9} billion pixel steps)`,
        {
          hint: 'use fewer points or a smaller brush for that stroke (a brush as big as the photo needs only a few points)',
        },
      );
    }
  }
}

/** Pixel steps applying `stroke` to a width×height mask costs: what strokeCoverage and the box passes visit. */
export function strokeWork(
  stroke: Pick<Stroke, 'size' | 'points' | 'edgeAware'>,
  width: number,
  height: number,
): number {
  const box = strokeBox(stroke, width, height);
  if (!box) return 0;
  const r = stroke.size / 2;
  let work = (box.x1 - box.x0) * (box.y1 - box.y0) * (stroke.edgeAware ? EDGE_AWARE_BOX_PASSES : BOX_PASSES);
  for (const segment of segmentsOf(stroke)) {
    const s = segmentBox(segment, r, box);
    work += Math.max(0, s.x1 - s.x0) * Math.max(0, s.y1 - s.y0);
  }
  return work;
}

/** Whether any stroke needs the original's pixels (so a plain brush never decodes the photo). */
export function needsPhoto(strokes: readonly Stroke[]): boolean {
  return strokes.some(strokeNeedsPhoto);
}

function strokeNeedsPhoto(stroke: Stroke): boolean {
  return stroke.edgeAware || isPart(stroke);
}

/** Pixel box a stroke can touch, clamped to the image (null when entirely outside). */
export function strokeBox(
  stroke: Pick<Stroke, 'size' | 'points'>,
  width: number,
  height: number,
  pad = 0,
): Box | null {
  const r = stroke.size / 2 + 1 + pad;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of stroke.points) {
    x0 = Math.min(x0, x - r);
    y0 = Math.min(y0, y - r);
    x1 = Math.max(x1, x + r);
    y1 = Math.max(y1, y + r);
  }
  const box = {
    x0: Math.max(0, Math.floor(x0)),
    y0: Math.max(0, Math.floor(y0)),
    x1: Math.min(width, Math.ceil(x1)),
    y1: Math.min(height, Math.ceil(y1)),
  };
  return box.x1 > box.x0 && box.y1 > box.y0 ? box : null;
}

function applyStroke(mask: Mask, stroke: Stroke, photo: RawImage | undefined): void {
  const box = strokeBox(stroke, mask.width, mask.height);
  if (!box) return;
  const coverage = strokeCoverage(stroke, box);
  const bw = box.x1 - box.x0;
  const target = stroke.mode === 'erase' ? 0 : 255;
  const weight = photo ? colourWeights(photo, stroke, box, coverage, mask) : undefined;
  // The brush's intended values over its box: plain strokes set them directly, edge-aware ones snap
  // them to the photo's edges first.
  const wanted = new Uint8Array(coverage.length);
  for (let y = box.y0, i = 0; y < box.y1; y++) {
    let d = y * mask.width + box.x0;
    for (let x = 0; x < bw; x++, i++, d++) {
      const c = coverage[i]! * (weight ? weight[i]! : 1);
      const m = mask.data[d]!;
      wanted[i] = Math.round(m + (target - m) * c);
    }
  }
  const snapped = photo ? snapToEdges(photo, box, wanted, stroke) : wanted;
  for (let y = box.y0, i = 0; y < box.y1; y++) {
    let d = y * mask.width + box.x0;
    for (let x = 0; x < bw; x++, i++, d++) {
      const c = coverage[i]!;
      if (c === 0) continue;
      const m = mask.data[d]!;
      mask.data[d] = Math.round(m + (snapped[i]! - m) * c);
    }
  }
}

/** 0..1 per pixel of the box: how much of the brush covers it (max over the stroke's stamps). */
function strokeCoverage(stroke: Stroke, box: Box): Float32Array {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const cov = new Float32Array(bw * bh);
  const r = stroke.size / 2;
  const inner = r * stroke.hardness;
  const falloff = (d: number): number => {
    if (r - inner < 1) return Math.min(1, Math.max(0, r + 0.5 - d));
    if (d <= inner) return 1;
    if (d >= r) return 0;
    const t = (r - d) / (r - inner);
    return t * t * (3 - 2 * t);
  };
  for (const segment of segmentsOf(stroke)) {
    const [[ax, ay], [bx, by]] = segment;
    // Only the segment's own box (within the stroke's): the cost assertStrokeBudget counts.
    const { x0: sx0, x1: sx1, y0: sy0, y1: sy1 } = segmentBox(segment, r, box);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = sy0; y < sy1; y++) {
      const py = y + 0.5;
      let i = (y - box.y0) * bw + (sx0 - box.x0);
      for (let x = sx0; x < sx1; x++, i++) {
        const px = x + 0.5;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2));
        const ex = px - (ax + t * dx);
        const ey = py - (ay + t * dy);
        const c = falloff(Math.sqrt(ex * ex + ey * ey));
        if (c > cov[i]!) cov[i] = c;
      }
    }
  }
  return cov;
}

type Point = readonly [number, number];

/** The capsules the brush is swept along: the polyline's segments after dropping near-repeat points. */
function segmentsOf(stroke: Pick<Stroke, 'size' | 'points'>): [Point, Point][] {
  const points = decimate(stroke.points, Math.max(1, stroke.size / 8));
  return points.length === 1 ? [[points[0]!, points[0]!]] : pairs(points);
}

/** The pixels a segment's capsule of radius `r` can reach, within the stroke's box. */
function segmentBox([[ax, ay], [bx, by]]: [Point, Point], r: number, box: Box): Box {
  return {
    x0: Math.max(box.x0, Math.floor(Math.min(ax, bx) - r - 1)),
    x1: Math.min(box.x1, Math.ceil(Math.max(ax, bx) + r + 1)),
    y0: Math.max(box.y0, Math.floor(Math.min(ay, by) - r - 1)),
    y1: Math.min(box.y1, Math.ceil(Math.max(ay, by) + r + 1)),
  };
}

/** Drops points closer than `spacing` to the last kept one (the capsules between them cover the gap). */
function decimate(points: readonly Point[], spacing: number): Point[] {
  const kept: Point[] = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const last = kept[kept.length - 1]!;
    const p = points[i]!;
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= spacing || i === points.length - 1) kept.push(p);
  }
  return kept;
}

function pairs(points: readonly Point[]): [Point, Point][] {
  const out: [Point, Point][] = [];
  for (let i = 1; i < points.length; i++) out.push([points[i - 1]!, points[i]!]);
  return out;
}

/**
 * 0..1 per pixel of the box the brush covers: how close its colour is to the colours under the
 * stroke's centre line (pixels the brush does not reach are left at 0: they do not change anyway).
 */
function colourWeights(
  photo: RawImage,
  stroke: Stroke,
  box: Box,
  coverage: Float32Array,
  mask: Mask,
): Float32Array {
  const samples = sampleColours(photo, stroke, mask);
  const bw = box.x1 - box.x0;
  const out = new Float32Array(bw * (box.y1 - box.y0));
  const ch = photo.channels;
  const tol2 = COLOR_TOLERANCE * COLOR_TOLERANCE;
  for (let y = box.y0, i = 0; y < box.y1; y++) {
    let s = (y * photo.width + box.x0) * ch;
    for (let x = 0; x < bw; x++, i++, s += ch) {
      if (coverage[i] === 0) continue;
      const r = photo.data[s]!;
      const g = photo.data[s + 1]!;
      const b = photo.data[s + 2]!;
      let best = Infinity;
      for (let k = 0; k < samples.length; k += 3) {
        const dr = r - samples[k]!;
        const dg = g - samples[k + 1]!;
        const db = b - samples[k + 2]!;
        const d2 = dr * dr + dg * dg + db * db;
        if (d2 < best) best = d2;
      }
      out[i] = Math.exp(-best / (2 * tol2));
    }
  }
  return out;
}

/**
 * Mean 3×3 colours at evenly spaced points of the centre line, as r,g,b triples (near-repeats dropped).
 * A restore stroke whose centre line strays onto the background (a wall beside the subject) does not
 * mean that background: a point whose colour looks like the background just outside the brush, more
 * than like the subject there, is not sampled — so "snap to edges" restores the subject's side only.
 */
function sampleColours(photo: RawImage, stroke: Stroke, mask: Mask): number[] {
  const pts = stroke.points;
  const step = Math.max(1, Math.floor(pts.length / MAX_COLOR_SAMPLES));
  const out: number[] = [];
  for (let k = 0; k < pts.length; k += step) {
    const [px, py] = pts[k]!;
    const cx = Math.min(photo.width - 1, Math.max(0, Math.floor(px)));
    const cy = Math.min(photo.height - 1, Math.max(0, Math.floor(py)));
    let r = 0;
    let g = 0;
    let b = 0;
    let n = 0;
    for (let y = Math.max(0, cy - 1); y <= Math.min(photo.height - 1, cy + 1); y++) {
      for (let x = Math.max(0, cx - 1); x <= Math.min(photo.width - 1, cx + 1); x++) {
        const s = (y * photo.width + x) * photo.channels;
        r += photo.data[s]!;
        g += photo.data[s + 1]!;
        b += photo.data[s + 2]!;
        n++;
      }
    }
    const colour: [number, number, number] = [r / n, g / n, b / n];
    if (stroke.mode === 'restore' && looksLikeBackground(photo, mask, px, py, stroke.size / 2, colour))
      continue;
    if (!hasNear(out, ...colour)) out.push(...colour);
  }
  return out;
}

/** Whether a colour within a tenth of the tolerance is already among the samples. */
function hasNear(samples: number[], r: number, g: number, b: number): boolean {
  const near = (COLOR_TOLERANCE / 10) ** 2;
  for (let k = 0; k < samples.length; k += 3) {
    const d = (r - samples[k]!) ** 2 + (g - samples[k + 1]!) ** 2 + (b - samples[k + 2]!) ** 2;
    if (d < near) return true;
  }
  return false;
}

/** The guided filter of `wanted` on the photo's pixels of the box (a small radius for the brush size). */
function snapToEdges(photo: RawImage, box: Box, wanted: Uint8Array, stroke: Stroke): Uint8Array {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const ch = photo.channels;
  const guide = Buffer.allocUnsafe(bw * bh * ch);
  for (let y = 0; y < bh; y++) {
    const from = ((box.y0 + y) * photo.width + box.x0) * ch;
    photo.data.copy(guide, y * bw * ch, from, from + bw * ch);
  }
  // The window grows with the brush (a wide brush means a coarse gesture); coefficients are computed on
  // a grid coarse enough to keep a 2 px window there, applied to every full-resolution pixel.
  const radius = Math.max(1, Math.round(stroke.size / 16));
  const factor = Math.max(1, Math.floor(radius / 2));
  return guidedFilter(
    { data: guide, width: bw, height: bh, channels: ch },
    { data: wanted, width: bw, height: bh },
    radius,
    undefined,
    factor,
  ).data;
}

/**
 * The contract's isPartStroke, said again here: importing it would load the contract's schemas, and
 * zod with them, in every pool thread that runs strokes (~100 ms of its start).
 */
function isPart(stroke: Pick<Stroke, 'mode'>): boolean {
  return stroke.mode === 'add-part' || stroke.mode === 'remove-part';
}
