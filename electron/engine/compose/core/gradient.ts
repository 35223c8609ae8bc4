/**
 * Smooth fills rendered in JS with per-pixel dithering, so a subtle studio gradient does not show
 * 8-bit bands. Colours are interpolated in sRGB (what design tools and CSS do), endpoints exact.
 */
import { ditherNoise, type Rgba } from './color';
import { scratchBuffer } from './scratch';
import type { Rgba8 } from './types';

/**
 * Writes one row's ramp positions (0..1 before clamping) into `t`, for row `y`: called once a row, so
 * the per-pixel loop below stays free of calls.
 */
export type RampRow = (y: number, t: Float64Array) => void;

/** Fills an RGBA image where the ramp position (0..1) picks the colour between `from` and `to`. */
export function renderRamp(width: number, height: number, from: Rgba, to: Rgba, row: RampRow): Rgba8 {
  if (from.a !== 255 || to.a !== 255) return renderRampPremultiplied(width, height, from, to, row);
  const data = new Uint8ClampedArray(scratchBuffer(width * height * 4, false));
  const t = new Float64Array(width);
  const dr = to.r - from.r;
  const dg = to.g - from.g;
  const db = to.b - from.b;
  let i = 0;
  for (let y = 0; y < height; y++) {
    row(y, t);
    const fy = 0.00583715 * y;
    for (let x = 0; x < width; x++) {
      const v = t[x]!;
      const k = v < 0 ? 0 : v > 1 ? 1 : v;
      // ditherNoise(x, y), inlined; the clamped array rounds and clamps the result.
      const f = 0.06711056 * x + fy;
      const g = 52.9829189 * (f - Math.floor(f));
      const n = g - Math.floor(g) - 0.5;
      data[i] = from.r + dr * k + n;
      data[i + 1] = from.g + dg * k + n;
      data[i + 2] = from.b + db * k + n;
      data[i + 3] = 255;
      i += 4;
    }
  }
  return { data, width, height };
}

/**
 * The same ramp for stops with transparency, interpolated premultiplied (as CSS does) so fading to
 * transparent does not drag in the transparent stop's invisible colour as a grey fringe.
 */
function renderRampPremultiplied(width: number, height: number, from: Rgba, to: Rgba, row: RampRow): Rgba8 {
  const data = new Uint8ClampedArray(scratchBuffer(width * height * 4, false));
  const t = new Float64Array(width);
  const fa = from.a / 255;
  const ta = to.a / 255;
  let i = 0;
  for (let y = 0; y < height; y++) {
    row(y, t);
    for (let x = 0; x < width; x++) {
      const k = clamp01(t[x]!);
      const n = ditherNoise(x, y);
      const a = fa + (ta - fa) * k;
      const colour = (f: number, g: number) => (a > 0 ? (f * fa + (g * ta - f * fa) * k) / a : 0);
      data[i++] = colour(from.r, to.r) + n;
      data[i++] = colour(from.g, to.g) + n;
      data[i++] = colour(from.b, to.b) + n;
      data[i++] = a * 255 + n;
    }
  }
  return { data, width, height };
}

/** A flat fill. */
export function solid(width: number, height: number, c: Rgba): Rgba8 {
  const data = new Uint8ClampedArray(scratchBuffer(width * height * 4, false));
  if (data.length === 0) return { data, width, height };
  data[0] = c.r;
  data[1] = c.g;
  data[2] = c.b;
  data[3] = c.a;
  // Doubling copies: a 24 MP fill in a few dozen memcpy calls instead of 100 M stores.
  for (let filled = 4; filled < data.length; filled *= 2) data.copyWithin(filled, 0, filled);
  return { data, width, height };
}

/**
 * CSS-style linear gradient: angle in degrees, 0 = upwards (first stop at the bottom), 90 = to the
 * right, 180 = downwards; the gradient line is long enough that the corners get the exact stops.
 */
export function renderLinear(width: number, height: number, stops: [Rgba, Rgba], angle: number): Rgba8 {
  const rad = (angle * Math.PI) / 180;
  const dx = Math.sin(rad);
  const dy = -Math.cos(rad);
  const length = Math.abs(width * dx) + Math.abs(height * dy) || 1;
  const cx = width / 2;
  const cy = height / 2;
  return renderRamp(width, height, stops[0], stops[1], (y, t) => {
    const base = ((0.5 - cx) * dx + (y + 0.5 - cy) * dy) / length + 0.5;
    const step = dx / length;
    for (let x = 0; x < t.length; x++) t[x] = base + x * step;
  });
}

/** Circular gradient from the centre (`inner`) to the farthest corner (`outer`), like CSS's default. */
export function renderRadial(width: number, height: number, inner: Rgba, outer: Rgba): Rgba8 {
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.hypot(cx, cy) || 1;
  return renderRamp(width, height, inner, outer, (y, t) => {
    const ry = y + 0.5 - cy;
    for (let x = 0; x < t.length; x++) {
      const rx = x + 0.5 - cx;
      t[x] = Math.sqrt(rx * rx + ry * ry) / radius;
    }
  });
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
