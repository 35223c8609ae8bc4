import { localColours, sampleColours } from './local-colours';
import type { Pixels, Plane8 } from './types';

/** Largest side of the grid on which the smooth foreground/background colour fields are estimated. */
const FIELD_SIDE = 256;
/** Radius of the narrow colour window, in grid cells (≈1.5 % of the long side). */
const FIELD_RADIUS = 4;

/**
 * Writes foreground colours without the old background's tint into `rgba` (RGBA, alpha = mask).
 * In the semi-transparent band a pixel is C = αF + (1−α)B. B and a fallback F are the mean colours of
 * the confidently-background and confidently-subject pixels nearby (box means on a coarse grid,
 * sampled bilinearly: smooth, so no blocks — the push-pull fill this replaces copied coarse cells
 * outward as squares, visible as 8–32 px tiles in wide soft areas such as anime-girl-1's bag). F is
 * solved from the compositing equation where α is large enough to be stable, and leans on the
 * fallback where α is small (thin hair, soft edges), so no halo of the old background remains.
 */
export function decontaminateInto(rgba: Uint8Array, image: Pixels, mask: Plane8): void {
  const { width, height, channels: ch, data } = image;
  const cell = Math.max(1, Math.ceil(Math.max(width, height) / FIELD_SIDE));
  const field = localColours(image, mask.data, cell, FIELD_RADIUS);
  const v = new Float32Array(8);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width, s = i * ch, d = i * 4; x < width; x++, i++, s += ch, d += 4) {
      const a8 = mask.data[i]!;
      if (a8 === 0 || a8 === 255) continue;
      const alpha = a8 / 255;
      sampleColours(field, x, y, v);
      const fgTrust = v[3]!;
      // Trust the solved colour from α ≈ 0.15 up, fully from α ≈ 0.75, as far as B is known.
      let t = (alpha - 0.15) / 0.6;
      t = (t < 0 ? 0 : t > 1 ? 1 : t) * v[7]!;
      for (let k = 0; k < 3; k++) {
        const own = data[s + k]!;
        // Where no subject pixel is near, the pixel's own colour is the best fallback.
        let value = own + (v[k]! - own) * fgTrust;
        if (t > 0) {
          let solved = (own - (1 - alpha) * v[4 + k]!) / alpha;
          solved = solved < 0 ? 0 : solved > 255 ? 255 : solved;
          value += (solved - value) * t;
        }
        rgba[d + k] = value + 0.5;
      }
    }
  }
}
