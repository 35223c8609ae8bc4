/**
 * Where a subject meets the floor, for shadows: the lowest subject row of each column (its bottom
 * profile), the floor line under it in perspective (the profile's lower convex hull), and bands
 * drawn along such a line.
 */
import type { Box, Plane8 } from './types';
import { clamp01 } from './gradient';

/** Fraction of the subject's width at each side left out of the floor contact. */
export const EDGE_TRIM = 0.04;
/** Steepest floor line accepted (rise over run, y in px per px). */
const MAX_FLOOR_SLOPE = 0.5;

/** A single-channel patch of shadow placed at (left, top) on the canvas. */
export interface Patch {
  mask: Plane8;
  left: number;
  top: number;
}

/** For each column of the subject's box, the lowest row that is clearly subject (−1 if none). */
export function bottomProfile(mask: Plane8, box: Box): Float32Array {
  const profile = new Float32Array(box.width).fill(-1);
  for (let x = 0; x < box.width; x++) {
    for (let y = box.y + box.height - 1; y >= box.y; y--) {
      if ((mask.data[y * mask.width + box.x + x] ?? 0) >= 128) {
        profile[x] = y;
        break;
      }
    }
  }
  return profile;
}

/**
 * The floor line under a subject seen in perspective: the lower convex hull of its bottom profile
 * (the points it can rest on), interpolated for every column.
 */
export function groundLine(profile: Float32Array): Float32Array {
  const hull: number[] = [];
  const cross = (o: number, a: number, b: number) =>
    (a - o) * ((profile[b] ?? 0) - (profile[o] ?? 0)) - ((profile[a] ?? 0) - (profile[o] ?? 0)) * (b - o);
  // The outermost columns are the silhouette's tips (a bumper's nose, a sleeve's end): rarely on the
  // floor, and as hull end points they would always count as touching it.
  const trim = Math.floor(profile.length * EDGE_TRIM);
  for (let x = trim; x < profile.length - trim; x++) {
    if ((profile[x] ?? -1) < 0) continue;
    // y grows downwards: drop the last point while it lies on or above the chord from the one
    // before it to x, so the chain stays below (on the floor side of) every point.
    while (hull.length >= 2 && cross(hull[hull.length - 2] ?? 0, hull[hull.length - 1] ?? 0, x) >= 0)
      hull.pop();
    hull.push(x);
  }
  const line = new Float32Array(profile.length).fill(-1);
  if (hull.length === 0) return line;
  // A floor seen from a camera is never steep: from the lowest contact, follow the hull only while
  // it stays gentle. A hand hanging at hip height is not resting on the floor, a rear wheel is.
  const y = (h: number) => profile[hull[h] ?? 0] ?? 0;
  const gentle = (h: number) =>
    Math.abs(y(h + 1) - y(h)) <= MAX_FLOOR_SLOPE * ((hull[h + 1] ?? 0) - (hull[h] ?? 0));
  let lowest = 0;
  for (let h = 1; h < hull.length; h++) if (y(h) > y(lowest)) lowest = h;
  let from = lowest;
  while (from > 0 && gentle(from - 1)) from--;
  let to = lowest;
  while (to < hull.length - 1 && gentle(to)) to++;
  hull.splice(to + 1);
  hull.splice(0, from);
  const first = hull[0];
  const last = hull[hull.length - 1];
  if (first === undefined || last === undefined) return line;
  // Beyond the contacts the floor continues flat.
  line.fill(profile[first] ?? -1, 0, first);
  line.fill(profile[last] ?? -1, last + 1);
  for (let h = 0; h < hull.length; h++) {
    const a = hull[h] ?? 0;
    const b = hull[h + 1] ?? a;
    for (let x = a; x <= b; x++) {
      const t = b === a ? 0 : (x - a) / (b - a);
      line[x] = (profile[a] ?? 0) + ((profile[b] ?? 0) - (profile[a] ?? 0)) * t;
    }
  }
  return line;
}

/**
 * A band following `line` (a row per box column, −1 where none): `above` px up into the subject
 * (hidden behind it, so there is no gap at its edge) and `below` px down onto the floor, shifted
 * down by `offset`, widened about the centre by `spread`, each column at `weight` (0..1).
 */
export function profileBand(
  line: Float32Array,
  weight: Float32Array,
  box: Box,
  above: number,
  below: number,
  offset: number,
  spread = 1,
  taper = 0,
): Patch {
  const up = Math.max(2, Math.round(above));
  const down = Math.max(2, Math.round(below));
  const width = Math.max(1, Math.round(box.width * spread));
  const left = Math.round(box.x + box.width / 2 - width / 2);
  let highest = box.y + box.height;
  for (const y of line) if (y >= 0 && y < highest) highest = Math.floor(y);
  const top = highest - up + Math.round(offset);
  const height = box.y + box.height - highest + up + down + 1;
  const data = new Uint8Array(width * height);
  for (let x = 0; x < width; x++) {
    const source = Math.min(box.width - 1, Math.max(0, Math.floor((x / width) * box.width)));
    const y0 = line[source] ?? -1;
    // Tapered ends make the band a soft lens rather than a strip with square ends.
    const end = taper > 0 ? clamp01(Math.min(x + 0.5, width - x - 0.5) / (taper * width)) : 1;
    const value = Math.round(255 * (weight[source] ?? 0) * end * end * (3 - 2 * end));
    if (y0 < 0 || value === 0) continue;
    const centre = Math.round(y0 + offset) - top;
    for (let y = Math.max(0, centre - up); y <= Math.min(height - 1, centre + down); y++)
      data[y * width + x] = value;
  }
  return { mask: { data, width, height }, left, top };
}
