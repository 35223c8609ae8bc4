/**
 * A reference picture's palette (k-means in OKLab on a small copy, deterministic) and a studio
 * backdrop painted from it: a soft gradient, or a floor-to-wall sweep with a gentle vignette.
 */
import { AtelierError } from '../errors';
import type { RawImage } from '../imaging/raw';
import {
  ditherNoise,
  linearToOklab,
  oklabToSrgb,
  SRGB_TO_LINEAR,
  srgbToOklab,
  type Lab,
  type Rgba,
} from './core/color';
import { rawFromCore } from './core-raw';
import { clamp01, renderLinear } from './core/gradient';
import { rawFromSharp, sharpFromRaw } from './sharp-raw';

export interface PaletteColor {
  color: Rgba;
  /** Fraction of the (opaque) pixels closest to this colour; the palette is sorted by it. */
  share: number;
}

const SAMPLE_SIDE = 64;
const ITERATIONS = 12;

export async function extractPalette(image: RawImage, k = 5): Promise<PaletteColor[]> {
  if (!Number.isInteger(k) || k < 1 || k > 16) {
    throw new AtelierError('USAGE', `palette size: ${k} is not a whole number from 1 to 16`, {
      hint: 'use 5',
    });
  }
  const small = await rawFromSharp(
    sharpFromRaw(image).resize(SAMPLE_SIDE, SAMPLE_SIDE, { fit: 'inside', kernel: 'linear' }),
  );
  const points: Lab[] = [];
  const n = small.width * small.height;
  const ch = small.channels;
  for (let i = 0; i < n; i++) {
    if (ch === 4 && (small.data[i * 4 + 3] ?? 0) < 128) continue;
    const r = small.data[i * ch] ?? 0;
    const g = ch >= 3 ? (small.data[i * ch + 1] ?? 0) : r;
    const b = ch >= 3 ? (small.data[i * ch + 2] ?? 0) : r;
    points.push(linearToOklab(SRGB_TO_LINEAR[r] ?? 0, SRGB_TO_LINEAR[g] ?? 0, SRGB_TO_LINEAR[b] ?? 0));
  }
  if (points.length === 0) return [];
  const centres = seedCentres(points, Math.min(k, points.length));
  const assignment = new Int32Array(points.length);
  for (let iter = 0; iter < ITERATIONS; iter++) {
    points.forEach((p, i) => (assignment[i] = nearest(p, centres)));
    const sums = centres.map(() => [0, 0, 0, 0]);
    points.forEach((p, i) => {
      const s = sums[assignment[i] ?? 0];
      if (!s) return;
      s[0] = (s[0] ?? 0) + p[0];
      s[1] = (s[1] ?? 0) + p[1];
      s[2] = (s[2] ?? 0) + p[2];
      s[3] = (s[3] ?? 0) + 1;
    });
    sums.forEach((s, c) => {
      const count = s[3] ?? 0;
      if (count > 0) centres[c] = [(s[0] ?? 0) / count, (s[1] ?? 0) / count, (s[2] ?? 0) / count];
    });
  }
  const counts = new Array<number>(centres.length).fill(0);
  points.forEach((p, i) => {
    const c = nearest(p, centres);
    assignment[i] = c;
    counts[c] = (counts[c] ?? 0) + 1;
  });
  return centres
    .map((centre, c) => ({ color: oklabToSrgb(centre), share: (counts[c] ?? 0) / points.length }))
    .filter((p) => p.share > 0)
    .sort((a, b) => b.share - a.share);
}

/** Farthest-point seeding from the colour nearest the mean: deterministic, and spreads the seeds. */
function seedCentres(points: Lab[], k: number): Lab[] {
  const mean: Lab = [0, 0, 0];
  for (const p of points) for (let c = 0; c < 3; c++) mean[c] = (mean[c] ?? 0) + (p[c] ?? 0) / points.length;
  const first = points[nearest(mean, points)] ?? mean;
  const centres: Lab[] = [[...first]];
  const dist = points.map((p) => distance2(p, first));
  while (centres.length < k) {
    let best = 0;
    for (let i = 1; i < dist.length; i++) if ((dist[i] ?? 0) > (dist[best] ?? 0)) best = i;
    const next = points[best];
    if (!next || (dist[best] ?? 0) === 0) break;
    centres.push([...next]);
    points.forEach((p, i) => (dist[i] = Math.min(dist[i] ?? 0, distance2(p, next))));
  }
  return centres;
}

function nearest(p: Lab, centres: Lab[]): number {
  let best = 0;
  let bestD = Infinity;
  centres.forEach((c, i) => {
    const d = distance2(p, c);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function distance2(a: Lab, b: Lab): number {
  return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
}

/** A palette colour made into a backdrop tone: light and quiet, keeping its hue. */
function studioTone(color: Rgba, lightness: number, chromaScale: number): Rgba {
  const [L, a, b] = srgbToOklab(color);
  const tone: Lab = [L * 0.25 + lightness * 0.75, a * chromaScale, b * chromaScale];
  return oklabToSrgb(tone);
}

export type BackdropStyle = 'gradient' | 'sweep';

/**
 * A backdrop from a palette: 'gradient' runs from the dominant colour (top) to the second (bottom);
 * 'sweep' is a photo studio's paper sweep: wall above, a slightly darker floor below, a soft
 * curve between them around 62 % of the height, and a gentle vignette toward the corners.
 */
export function renderBackdrop(
  palette: PaletteColor[],
  width: number,
  height: number,
  style: BackdropStyle,
): RawImage {
  const main = palette[0]?.color ?? { r: 235, g: 235, b: 235, a: 255 };
  const second = palette[1]?.color ?? main;
  if (style === 'gradient') {
    return rawFromCore(
      renderLinear(width, height, [studioTone(main, 0.9, 0.6), studioTone(second, 0.8, 0.6)], 180),
    );
  }
  const wall = studioTone(main, 0.9, 0.5);
  const floor = studioTone(main, 0.8, 0.55);
  const data = Buffer.alloc(width * height * 4);
  const horizon = 0.62;
  const curve = 0.16;
  let i = 0;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    const t = smoothstep(clamp01((v - (horizon - curve)) / (2 * curve)));
    // The floor brightens a little toward the camera, as a sweep lit from the front does.
    const front = clamp01((v - horizon) / (1 - horizon)) * 0.04;
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width - 0.5;
      const vignette = 1 - 0.14 * Math.min(1, (u * u + (v - 0.5) ** 2) * 2.2);
      const shade = vignette * (1 + front);
      const n = ditherNoise(x, y);
      data[i++] = channel((wall.r + (floor.r - wall.r) * t) * shade + n);
      data[i++] = channel((wall.g + (floor.g - wall.g) * t) * shade + n);
      data[i++] = channel((wall.b + (floor.b - wall.b) * t) * shade + n);
      data[i++] = 255;
    }
  }
  return { data, width, height, channels: 4 };
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

function channel(v: number): number {
  const r = Math.round(v);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
