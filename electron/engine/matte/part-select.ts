/**
 * One-click fixes ("Add part" / "Remove part"): a click or short scribble on a region the model missed
 * (or wrongly kept) grows along the photo's own edges, GrabCut-style. On a working grid (long side
 * PART_GRID_SIDE) the pixels on the stroke's side of the mask stay as they are, the stroke is a hard
 * seed of the other side, and a minimum cut (max-flow.ts) decides every other pixel from colour models
 * (the click's colours against the rest of the side it is taken from, re-estimated once more from the
 * cut as GrabCut does), a locality prior (how deep in the wrong region the click is sets how far it may
 * reach), and edge costs that make the cut follow colour edges. Only the part connected to the stroke
 * changes; the grid's answer is snapped to the full-resolution edges by the guided filter in its box.
 */
import type { Stroke } from '../api/contract';
import type { Mask, RawImage } from '../imaging/raw';
import { guidedFilter } from './guided-refine';
import { MaxFlow } from './max-flow';

/** Long side of the working grid: the cut costs ~0.1–0.5 s here, and the guided filter restores detail. */
export const PART_GRID_SIDE = 240;
/** Edge cost scale (GrabCut's γ): higher follows edges more, lower follows colour more. */
const SMOOTHNESS = 50;
/** Histogram bins per channel of the colour models. */
const BINS = 16;
/**
 * The locality prior, in the unaries' nats per pixel: switching a pixel costs LOCALITY for every
 * `reach` of distance from the stroke beyond the first, where `reach` is how deep the stroke is in the
 * region it is on (its largest distance to the side it asks for). A click in the middle of a wide
 * missed body may take the body; a click on a sliver at the subject's edge only the sliver. Without a
 * prior, a later click on a small leftover (a paw on a pale pavement: great_pyrenees_177, 0.98 → 0.56
 * IoU) took everything of the seed's colour the cut could reach, up to the photo's border where
 * cutting is free; with one distance scale for every click instead, either large missed bodies stayed
 * out (British_Shorthair_105) or a wide wrongly kept region went a little at a time (Maine_Coon_207's
 * blanket took three remove clicks, 0.70 → 0.78 → 0.88 → 0.94; now one, 0.94).
 */
const LOCALITY = 1;
/** Grid pixels: the smallest reach (a click a pixel from the edge still reaches past its own dot). */
const MIN_REACH = 2;
/**
 * Share of the first colour model taken from the wrong side's pixels within `reach` of the stroke
 * (they carry no locality cost), the rest from the stroke's own pixels. A click's few pixels miss the
 * shades of the part it is on (a blurred body's gradient, fur): from them alone the cut stopped at
 * the dot (Maine_Coon_204). Not all of it: a click on a thin part far from the subject has more
 * backdrop than part around it.
 */
const NEAR_SHARE = 0.5;
/** GrabCut iterations (colour models re-estimated from the last cut). */
const ROUNDS = 2;

export type PartMode = 'add-part' | 'remove-part';

interface Grid {
  rgb: Float32Array;
  width: number;
  height: number;
  /** Full-resolution pixels per grid pixel. */
  scale: number;
}

/** The mask after one part stroke, at full resolution (a new mask). */
export function applyPartStroke(mask: Mask, stroke: Stroke, photo: RawImage): Mask {
  const grid = downscalePhoto(photo, PART_GRID_SIDE);
  const gridMask = downscaleMask(mask, grid.width, grid.height);
  const add = stroke.mode === 'add-part';
  const seed = seedOf(stroke, grid);
  const locality = localityCost(seed, gridMask, add, grid.width, grid.height);
  const changed = selectPart(grid, gridMask, seed, add, locality);
  return snapPart(mask, photo, grid, gridMask, changed, add);
}

/** Per grid pixel, the locality prior's cost (nats) of switching it with the seed (see LOCALITY). */
export function localityCost(
  seed: Uint8Array,
  gridMask: Uint8Array,
  add: boolean,
  width: number,
  height: number,
): Float32Array {
  const n = width * height;
  const wantedSide = new Uint8Array(n);
  for (let i = 0; i < n; i++) wantedSide[i] = gridMask[i]! >= 128 === add ? 1 : 0;
  const toWanted = seedDistance(wantedSide, width, height);
  let reach = 0;
  for (let i = 0; i < n; i++) if (seed[i]) reach = Math.max(reach, toWanted[i]!);
  // No pixel on the wanted side at all (an empty mask): the whole grid is in reach.
  reach = Math.max(MIN_REACH, Math.min(reach, Math.max(width, height)));
  const fromSeed = seedDistance(seed, width, height);
  const cost = new Float32Array(n);
  for (let i = 0; i < n; i++) cost[i] = LOCALITY * Math.max(0, fromSeed[i]! / reach - 1);
  return cost;
}

/**
 * The grid pixels that switch side (1) for a stroke whose seed pixels are `seed`: the part of the
 * other side's pixels the cut gives to the stroke's side, kept only where connected to the seed.
 */
export function selectPart(
  grid: Grid,
  gridMask: Uint8Array,
  seed: Uint8Array,
  add: boolean,
  locality: Float32Array,
): Uint8Array {
  const n = grid.width * grid.height;
  // `fixed`: pixels already on the wanted side (they stay) or seeded; the cut decides the others.
  const fixed = new Uint8Array(n);
  for (let i = 0; i < n; i++) fixed[i] = seed[i] || gridMask[i]! >= 128 === add ? 1 : 0;
  let region: Uint8Array = new Uint8Array(seed);
  for (let round = 0; round < ROUNDS; round++) {
    const weights = new Float32Array(n);
    for (let i = 0; i < n; i++) weights[i] = region[i]!;
    if (round === 0) blendNear(weights, fixed, locality);
    const wanted = histogram(grid.rgb, weights);
    const rest = new Uint8Array(n);
    for (let i = 0; i < n; i++) rest[i] = !fixed[i] && !region[i] ? 1 : 0;
    const other = histogram(grid.rgb, rest);
    const cut = graphCut(grid, fixed, wanted, other, locality);
    // The part is what switches side, connected to the seed through pixels that switch: through the
    // side it joins, the colour model re-estimated from it would be that side's (for remove-part, the
    // backdrop's grey instead of the kept part's red, and the second cut kept nothing but the dot).
    for (let i = 0; i < n; i++) if (!seed[i] && gridMask[i]! >= 128 === add) cut[i] = 0;
    const next = connectedTo(cut, seed, grid.width, grid.height);
    for (let i = 0; i < n; i++) if (seed[i]) next[i] = 1;
    let same = true;
    for (let i = 0; i < n && same; i++) if (next[i] !== region[i]) same = false;
    region = next;
    if (same) break;
  }
  // Only the pixels that change side.
  for (let i = 0; i < n; i++) if (gridMask[i]! >= 128 === add) region[i] = 0;
  return region;
}

/** Adds the undecided pixels within reach (no locality cost) to the seed's weights, NEAR_SHARE of the total. */
function blendNear(weights: Float32Array, fixed: Uint8Array, locality: Float32Array): void {
  let seedWeight = 0;
  let near = 0;
  for (let i = 0; i < weights.length; i++) {
    seedWeight += weights[i]!;
    if (!fixed[i] && locality[i] === 0) near++;
  }
  if (!near || !seedWeight) return;
  const each = (seedWeight * NEAR_SHARE) / (1 - NEAR_SHARE) / near;
  for (let i = 0; i < weights.length; i++) if (!fixed[i] && locality[i] === 0) weights[i] = each;
}

/**
 * Labels every undecided pixel: 1 when it goes to the stroke's side. Source = the stroke's side
 * (fixed pixels folded in), sink = the side it is taken from.
 */
function graphCut(
  grid: Grid,
  fixed: Uint8Array,
  wanted: Float32Array,
  other: Float32Array,
  locality: Float32Array,
): Uint8Array {
  const { width, height, rgb } = grid;
  const n = width * height;
  const index = new Int32Array(n).fill(-1);
  let nodes = 0;
  for (let i = 0; i < n; i++) if (!fixed[i]) index[i] = nodes++;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (fixed[i]) out[i] = 1;
  if (nodes === 0) return out;
  const beta = edgeBeta(grid);
  const s = nodes;
  const t = nodes + 1;
  const flow = new MaxFlow(nodes + 2, nodes * 6);
  const toSource = new Float64Array(nodes);
  const toSink = new Float64Array(nodes);
  for (let i = 0; i < n; i++) {
    const v = index[i]!;
    if (v < 0) continue;
    const bin = binOf(rgb, i);
    // Cutting s→v (v left on the sink side) costs how badly v's colour fits the other side's model;
    // cutting v→t (v taken to the stroke's side) how badly it fits the stroke's.
    toSource[v]! += -Math.log(other[bin]!);
    toSink[v]! += -Math.log(wanted[bin]!) + locality[i]!;
  }
  const link = (i: number, j: number): void => {
    const dr = rgb[i * 3]! - rgb[j * 3]!;
    const dg = rgb[i * 3 + 1]! - rgb[j * 3 + 1]!;
    const db = rgb[i * 3 + 2]! - rgb[j * 3 + 2]!;
    const w = SMOOTHNESS * Math.exp(-beta * (dr * dr + dg * dg + db * db));
    const a = index[i]!;
    const b = index[j]!;
    if (a >= 0 && b >= 0) flow.addEdge(a, b, w, w);
    else if (a >= 0)
      toSource[a]! += w; // j is fixed on the stroke's side: cutting them apart costs w
    else if (b >= 0) toSource[b]! += w;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) link(i, i + 1);
      if (y + 1 < height) link(i, i + width);
    }
  }
  for (let v = 0; v < nodes; v++) {
    // Only the difference of the two t-links matters to the cut.
    const d = toSource[v]! - toSink[v]!;
    if (d > 0) flow.addEdge(s, v, d, 0);
    else if (d < 0) flow.addEdge(v, t, -d, 0);
  }
  const side = flow.minCut(s, t);
  for (let i = 0; i < n; i++) if (index[i]! >= 0 && side[index[i]!]) out[i] = 1;
  return out;
}

/** GrabCut's β: 1 / (2 · mean squared colour step between neighbours). */
function edgeBeta(grid: Grid): number {
  const { width, height, rgb } = grid;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      for (const j of [x + 1 < width ? i + 1 : -1, y + 1 < height ? i + width : -1]) {
        if (j < 0) continue;
        for (let c = 0; c < 3; c++) sum += (rgb[i * 3 + c]! - rgb[j * 3 + c]!) ** 2;
        count++;
      }
    }
  }
  return count && sum > 0 ? count / (2 * sum) : 0;
}

function binOf(rgb: Float32Array, i: number): number {
  const q = 256 / BINS;
  const r = Math.min(BINS - 1, Math.floor(rgb[i * 3]! / q));
  const g = Math.min(BINS - 1, Math.floor(rgb[i * 3 + 1]! / q));
  const b = Math.min(BINS - 1, Math.floor(rgb[i * 3 + 2]! / q));
  return (r * BINS + g) * BINS + b;
}

/**
 * A colour model: the normalised histogram of the pixels in `which` (weights), spread over neighbouring bins
 * (a seed of a few pixels still covers their shades) and floored so no colour is impossible.
 */
function histogram(rgb: Float32Array, which: ArrayLike<number>): Float32Array {
  const size = BINS * BINS * BINS;
  let h = new Float32Array(size);
  let total = 0;
  for (let i = 0; i < which.length; i++) {
    const w = which[i]!;
    if (!w) continue;
    h[binOf(rgb, i)]! += w;
    total += w;
  }
  // A 3-tap blur along each axis of the colour cube.
  for (let axis = 0; axis < 3; axis++) {
    const stride = axis === 0 ? BINS * BINS : axis === 1 ? BINS : 1;
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const pos = Math.floor(k / stride) % BINS;
      let v = h[k]! * 0.5;
      v += (pos > 0 ? h[k - stride]! : h[k]!) * 0.25;
      v += (pos < BINS - 1 ? h[k + stride]! : h[k]!) * 0.25;
      out[k] = v;
    }
    h = out;
  }
  const floor = 1e-4;
  for (let k = 0; k < size; k++) h[k] = (total ? h[k]! / total : 0) * (1 - floor * size) + floor;
  return h;
}

/** The pixels of `cut` 4-connected to a seed pixel. */
function connectedTo(cut: Uint8Array, seed: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(n);
  const queue = new Int32Array(n);
  let qt = 0;
  for (let i = 0; i < n; i++) {
    if (seed[i] && cut[i]) {
      out[i] = 1;
      queue[qt++] = i;
    }
  }
  for (let qh = 0; qh < qt; qh++) {
    const i = queue[qh]!;
    const x = i % width;
    const y = (i - x) / width;
    const near = [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, y > 0 ? i - width : -1];
    near.push(y + 1 < height ? i + width : -1);
    for (const j of near) {
      if (j >= 0 && cut[j] && !out[j]) {
        out[j] = 1;
        queue[qt++] = j;
      }
    }
  }
  return out;
}

/** Per grid pixel, the distance in grid pixels to the nearest seed pixel (two-pass chamfer, 1 / √2). */
function seedDistance(seed: Uint8Array, width: number, height: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = seed[i] ? 0 : 1e9;
  const diag = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + diag);
        if (x + 1 < width) v = Math.min(v, d[i - width + 1]! + diag);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i]!;
      if (x + 1 < width) v = Math.min(v, d[i + 1]! + 1);
      if (y + 1 < height) {
        v = Math.min(v, d[i + width]! + 1);
        if (x + 1 < width) v = Math.min(v, d[i + width + 1]! + diag);
        if (x > 0) v = Math.min(v, d[i + width - 1]! + diag);
      }
      d[i] = v;
    }
  }
  return d;
}

/** The stroke's seed on the grid: its brush (at least a 3×3 disc) along its points. */
function seedOf(stroke: Stroke, grid: Grid): Uint8Array {
  const { width, height, scale } = grid;
  const seed = new Uint8Array(width * height);
  const r = Math.max(1.5, stroke.size / 2 / scale);
  const pts = stroke.points.map(([x, y]) => [x / scale, y / scale] as const);
  const stamp = (cx: number, cy: number): void => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) seed[y * width + x] = 1;
      }
    }
  };
  for (let k = 0; k < pts.length; k++) {
    const [ax, ay] = pts[k]!;
    const [bx, by] = pts[Math.min(k + 1, pts.length - 1)]!;
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / Math.max(0.5, r / 2)));
    for (let j = 0; j <= steps; j++) stamp(ax + ((bx - ax) * j) / steps, ay + ((by - ay) * j) / steps);
  }
  return seed;
}

/** The photo as float RGB on a grid whose long side is at most `side` (box means). */
export function downscalePhoto(photo: RawImage, side: number): Grid {
  const scale = Math.max(1, Math.max(photo.width, photo.height) / side);
  const width = Math.max(1, Math.round(photo.width / scale));
  const height = Math.max(1, Math.round(photo.height / scale));
  const rgb = new Float32Array(width * height * 3);
  const count = new Float32Array(width * height);
  const ch = photo.channels;
  for (let y = 0; y < photo.height; y++) {
    const gy = Math.min(height - 1, Math.floor(y / scale));
    for (let x = 0; x < photo.width; x++) {
      const g = gy * width + Math.min(width - 1, Math.floor(x / scale));
      const s = (y * photo.width + x) * ch;
      rgb[g * 3]! += photo.data[s]!;
      rgb[g * 3 + 1]! += photo.data[s + (ch >= 3 ? 1 : 0)]!;
      rgb[g * 3 + 2]! += photo.data[s + (ch >= 3 ? 2 : 0)]!;
      count[g]! += 1;
    }
  }
  for (let g = 0; g < count.length; g++) {
    const c = count[g]! || 1;
    rgb[g * 3]! /= c;
    rgb[g * 3 + 1]! /= c;
    rgb[g * 3 + 2]! /= c;
  }
  return { rgb, width, height, scale: photo.width / width };
}

function downscaleMask(mask: Mask, width: number, height: number): Uint8Array {
  const sum = new Float32Array(width * height);
  const count = new Float32Array(width * height);
  const sx = mask.width / width;
  const sy = mask.height / height;
  for (let y = 0; y < mask.height; y++) {
    const gy = Math.min(height - 1, Math.floor(y / sy));
    for (let x = 0; x < mask.width; x++) {
      const g = gy * width + Math.min(width - 1, Math.floor(x / sx));
      sum[g]! += mask.data[y * mask.width + x]!;
      count[g]! += 1;
    }
  }
  const out = new Uint8Array(width * height);
  for (let g = 0; g < out.length; g++) out[g] = Math.round(sum[g]! / (count[g]! || 1));
  return out;
}

/**
 * The grid's changed pixels at full resolution: bilinear up, snapped to the photo's edges by the
 * guided filter inside the part's box, then laid over the mask (raised for add, lowered for remove).
 */
function snapPart(
  mask: Mask,
  photo: RawImage,
  grid: Grid,
  gridMask: Uint8Array,
  changed: Uint8Array,
  add: boolean,
): Mask {
  const out: Mask = { data: new Uint8Array(mask.data), width: mask.width, height: mask.height };
  // The part joined to the side it joins, one grid cell deep: interpolating the part alone would dip
  // to half along the seam with what was already there, leaving a faint line of the old edge.
  const target = new Uint8Array(changed);
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const i = y * grid.width + x;
      if (changed[i] || gridMask[i]! >= 128 !== add) continue;
      const near =
        (x > 0 && changed[i - 1]) ||
        (x + 1 < grid.width && changed[i + 1]) ||
        (y > 0 && changed[i - grid.width]) ||
        (y + 1 < grid.height && changed[i + grid.width]);
      if (near) target[i] = 1;
    }
  }
  let gx0 = grid.width;
  let gy0 = grid.height;
  let gx1 = -1;
  let gy1 = -1;
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      if (!changed[y * grid.width + x]) continue;
      gx0 = Math.min(gx0, x);
      gx1 = Math.max(gx1, x);
      gy0 = Math.min(gy0, y);
      gy1 = Math.max(gy1, y);
    }
  }
  if (gx1 < 0) return out;
  const sx = mask.width / grid.width;
  const sy = mask.height / grid.height;
  const pad = 2;
  const x0 = Math.max(0, Math.floor((gx0 - pad) * sx));
  const y0 = Math.max(0, Math.floor((gy0 - pad) * sy));
  const x1 = Math.min(mask.width, Math.ceil((gx1 + 1 + pad) * sx));
  const y1 = Math.min(mask.height, Math.ceil((gy1 + 1 + pad) * sy));
  const bw = x1 - x0;
  const bh = y1 - y0;
  const wanted = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    const fy = Math.min(grid.height - 1, Math.max(0, (y0 + y + 0.5) / sy - 0.5));
    const ya = Math.floor(fy);
    const yb = Math.min(grid.height - 1, ya + 1);
    const ty = fy - ya;
    for (let x = 0; x < bw; x++) {
      const fx = Math.min(grid.width - 1, Math.max(0, (x0 + x + 0.5) / sx - 0.5));
      const xa = Math.floor(fx);
      const xb = Math.min(grid.width - 1, xa + 1);
      const tx = fx - xa;
      const top = target[ya * grid.width + xa]! * (1 - tx) + target[ya * grid.width + xb]! * tx;
      const bottom = target[yb * grid.width + xa]! * (1 - tx) + target[yb * grid.width + xb]! * tx;
      wanted[y * bw + x] = Math.round((top * (1 - ty) + bottom * ty) * 255);
    }
  }
  const ch = photo.channels;
  const guide = Buffer.allocUnsafe(bw * bh * ch);
  for (let y = 0; y < bh; y++) {
    const from = ((y0 + y) * photo.width + x0) * ch;
    photo.data.copy(guide, y * bw * ch, from, from + bw * ch);
  }
  // A window of about one grid cell: the grid's staircase is smoothed and pulled to the photo's edges.
  const radius = Math.max(1, Math.round(Math.max(sx, sy)));
  const snapped = guidedFilter(
    { data: guide, width: bw, height: bh, channels: ch },
    { data: wanted, width: bw, height: bh },
    radius,
    undefined,
    Math.max(1, Math.floor(radius / 2)),
  ).data;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const d = (y0 + y) * mask.width + x0 + x;
      // The filter's faint tails outside the part are not a change anyone asked for; inside the part
      // (the grid's change all around) the change is whole, however small the part.
      const w = wanted[y * bw + x]!;
      const v = w >= 250 ? 255 : snapped[y * bw + x]! < 8 ? 0 : snapped[y * bw + x]!;
      const m = out.data[d]!;
      out.data[d] = add ? Math.max(m, v) : Math.min(m, 255 - v);
    }
  }
  return out;
}
