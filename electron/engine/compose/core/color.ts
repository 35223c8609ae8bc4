/**
 * Colours and the colour spaces compositing needs: 8-bit sRGB with straight alpha for specs, linear
 * light and OKLab for perceptual statistics (harmonize, palette). Lookup tables keep per-pixel
 * conversions cheap on 24 MP images.
 */

/** An sRGB colour with straight alpha, every component 0..255. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 255 };
export const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 255 };

/** sRGB 8-bit → linear light 0..1, one entry per code value. */
export const SRGB_TO_LINEAR: Float32Array = (() => {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    table[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return table;
})();

/** Linear light 0..1 → sRGB 0..255 (unrounded, so callers can dither or round). */
export function linearToSrgb(v: number): number {
  const c = v <= 0 ? 0 : v >= 1 ? 1 : v;
  return 255 * (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055);
}

export type Lab = [number, number, number];

/** Linear sRGB → OKLab (Björn Ottosson, 2020): L 0..1, a/b roughly −0.4..0.4. */
export function linearToOklab(r: number, g: number, b: number, out: Lab = [0, 0, 0]): Lab {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  out[0] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return out;
}

/** OKLab → linear sRGB (may leave 0..1 for out-of-gamut colours; callers clamp). */
export function oklabToLinear(L: number, a: number, b: number, out: Lab = [0, 0, 0]): Lab {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  out[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  out[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  out[2] = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
  return out;
}

export function srgbToOklab(c: Rgba): Lab {
  return linearToOklab(SRGB_TO_LINEAR[c.r] ?? 0, SRGB_TO_LINEAR[c.g] ?? 0, SRGB_TO_LINEAR[c.b] ?? 0);
}

export function oklabToSrgb(lab: Lab, alpha = 255): Rgba {
  const [r, g, b] = oklabToLinear(lab[0], lab[1], lab[2]);
  return {
    r: Math.round(linearToSrgb(r)),
    g: Math.round(linearToSrgb(g)),
    b: Math.round(linearToSrgb(b)),
    a: alpha,
  };
}

/** `#rrggbb` (or `#rrggbbaa` when not opaque), the form the parser reads back. */
export function toHex(c: Rgba): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `#${hex(c.r)}${hex(c.g)}${hex(c.b)}${c.a === 255 ? '' : hex(c.a)}`;
}

/**
 * Per-pixel ordered noise in [−0.5, 0.5) (interleaved gradient noise, Jimenez 2014): added before
 * rounding a smooth gradient to 8 bits it breaks bands into an invisible fine grain, deterministically.
 */
export function ditherNoise(x: number, y: number): number {
  const f = 0.06711056 * x + 0.00583715 * y;
  const v = 52.9829189 * (f - Math.floor(f));
  return v - Math.floor(v) - 0.5;
}

const LUT_SIZE = 4096;
const LINEAR_TO_SRGB_LUT: Float32Array = (() => {
  const table = new Float32Array(LUT_SIZE + 1);
  for (let i = 0; i <= LUT_SIZE; i++) table[i] = linearToSrgb(i / LUT_SIZE);
  return table;
})();

/** `linearToSrgb` through an interpolated table: within 0.05 of a code value, several times faster. */
export function linearToSrgbFast(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 255;
  const f = v * LUT_SIZE;
  const i = Math.floor(f);
  const a = LINEAR_TO_SRGB_LUT[i] ?? 0;
  return a + ((LINEAR_TO_SRGB_LUT[i + 1] ?? 255) - a) * (f - i);
}
