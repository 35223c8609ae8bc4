/**
 * Which side of an edge a colour belongs to, for the brush's "Restore with snap to edges": a stroke
 * point whose colour looks like the background just outside the brush is not restored. One rule for
 * the engine's strokes (matte/strokes.ts) and the preview's brush (renderer/src/editor/brush.ts), so
 * what is painted is what is saved.
 */
import type { Pixels, Plane8 } from './types';

/** RGB distance within which a colour counts as the background's (the strokes' colour tolerance). */
export const BACKGROUND_TOLERANCE = 40;
/** Ring radii (× the brush radius) and directions where the surroundings of a stroke point are read. */
const RING_RADII = [1.25, 1.6, 2];
const RING_DIRECTIONS = 24;

/**
 * Whether `colour` at (px, py) is closer to the background just outside a brush of radius `r` (mask
 * ≤ 10 %) than to the subject there (mask ≥ 90 %), and within the colour tolerance of it.
 */
export function looksLikeBackground(
  photo: Pixels,
  mask: Plane8,
  px: number,
  py: number,
  r: number,
  colour: readonly [number, number, number],
): boolean {
  let background = Infinity;
  let subject = Infinity;
  for (const k of RING_RADII) {
    for (let a = 0; a < RING_DIRECTIONS; a++) {
      const angle = (a / RING_DIRECTIONS) * 2 * Math.PI;
      const x = Math.round(px + Math.cos(angle) * r * k);
      const y = Math.round(py + Math.sin(angle) * r * k);
      if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) continue;
      const m = mask.data[y * mask.width + x]!;
      if (m > 25 && m < 230) continue;
      const s = (y * photo.width + x) * photo.channels;
      const d2 =
        (photo.data[s]! - colour[0]) ** 2 +
        (photo.data[s + 1]! - colour[1]) ** 2 +
        (photo.data[s + 2]! - colour[2]) ** 2;
      if (m <= 25) background = Math.min(background, d2);
      else subject = Math.min(subject, d2);
    }
  }
  return background < BACKGROUND_TOLERANCE ** 2 && background < subject;
}
