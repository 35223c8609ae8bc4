/**
 * Where the subject is: the bounding box of a mask, ignoring the faint alpha noise models leave in
 * the background (which would otherwise make every box the whole image).
 */
import type { Box, Plane8 } from './types';

export type { Box };

/** Alpha at or above this counts as subject when measuring bounds (about 10 %). */
export const SUBJECT_ALPHA_THRESHOLD = 24;

/** The subject's bounding box, or null when the mask is empty. */
export function subjectBounds(mask: Plane8, threshold = SUBJECT_ALPHA_THRESHOLD): Box | null {
  const { width, height, data } = mask;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if ((data[row + x] ?? 0) >= threshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (minY > y) minY = y;
    maxY = y;
    if (first < minX) minX = first;
    if (last > maxX) maxX = last;
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
