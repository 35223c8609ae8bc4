/**
 * Backgrounds the preview renders itself: flat colour and the CSS-style linear and radial gradients
 * of the engine (electron/engine/compose/gradient.ts), same geometry and sRGB interpolation, so a
 * preview at 1/4 size is the engine's render at 1/4 size. Dithered the same way against banding.
 */
import { newRgba, type Rgba8 } from './raster';
import type { Rgba } from './recipe';

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Interleaved gradient noise in [−0.5, 0.5) (the engine's ditherNoise). */
function dither(x: number, y: number): number {
  const f = 0.06711056 * x + 0.00583715 * y;
  const v = 52.9829189 * (f - Math.floor(f));
  return v - Math.floor(v) - 0.5;
}

export function solid(width: number, height: number, c: Rgba): Rgba8 {
  const out = newRgba(width, height);
  const d = out.data;
  for (let i = 0; i < d.length; i += 4) {
    d[i] = c.r;
    d[i + 1] = c.g;
    d[i + 2] = c.b;
    d[i + 3] = c.a;
  }
  return out;
}

function ramp(
  width: number,
  height: number,
  from: Rgba,
  to: Rgba,
  t: (x: number, y: number) => number,
): Rgba8 {
  const out = newRgba(width, height);
  const d = out.data;
  const fa = from.a / 255;
  const ta = to.a / 255;
  const opaque = from.a === 255 && to.a === 255;
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = clamp01(t(x, y));
      const n = dither(x, y);
      if (opaque) {
        d[i++] = Math.round(from.r + (to.r - from.r) * k + n);
        d[i++] = Math.round(from.g + (to.g - from.g) * k + n);
        d[i++] = Math.round(from.b + (to.b - from.b) * k + n);
        d[i++] = 255;
      } else {
        // Premultiplied interpolation (as CSS), so a fade to transparent has no grey fringe.
        const a = fa + (ta - fa) * k;
        const col = (f: number, g: number) => (a > 0 ? (f * fa + (g * ta - f * fa) * k) / a : 0);
        d[i++] = Math.round(col(from.r, to.r) + n);
        d[i++] = Math.round(col(from.g, to.g) + n);
        d[i++] = Math.round(col(from.b, to.b) + n);
        d[i++] = Math.round(a * 255 + n);
      }
    }
  }
  return out;
}

/** Angle in degrees, 0 = upwards, 90 = to the right, 180 = downwards (CSS). */
export function linear(width: number, height: number, stops: [Rgba, Rgba], angle: number): Rgba8 {
  const rad = (angle * Math.PI) / 180;
  const dx = Math.sin(rad);
  const dy = -Math.cos(rad);
  const length = Math.abs(width * dx) + Math.abs(height * dy) || 1;
  const cx = width / 2;
  const cy = height / 2;
  return ramp(
    width,
    height,
    stops[0],
    stops[1],
    (x, y) => ((x + 0.5 - cx) * dx + (y + 0.5 - cy) * dy) / length + 0.5,
  );
}

/** From the centre (`inner`) to the farthest corner (`outer`). */
export function radial(width: number, height: number, inner: Rgba, outer: Rgba): Rgba8 {
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.hypot(cx, cy) || 1;
  return ramp(width, height, inner, outer, (x, y) => Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / radius);
}
