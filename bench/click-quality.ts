/**
 * Interactive quality of the one-click fixes, simulated as the literature's "number of clicks"
 * protocol: from the default cut-out's mask, click the centre (the point farthest from its border)
 * of the largest wrong region — add-part where the ground truth is subject, remove-part where it is
 * background — apply it, repeat. Scored like the pets set: IoU at 128, the boundary band ignored.
 */
import type { Stroke } from '../electron/engine/api/contract';
import type { Mask, RawImage } from '../electron/engine/imaging/raw';
import { applyStrokes } from '../electron/engine/matte/strokes';

export const CLICKS = 3;
/** The simulated click's brush: a small dot, as a person's click (2 % of the long side). */
const CLICK_SIZE_SHARE = 0.02;

/** IoU at 128 with ground-truth 128 ignored. */
export function gtIou(pred: Uint8Array, gt: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    if (g === 128) continue;
    const a = pred[i]! >= 128;
    const b = g > 128;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union ? inter / union : 1;
}

/** The next click: the interior point of the largest wrong region, or null when nothing is wrong. */
export function nextClick(pred: Uint8Array, gt: Uint8Array, width: number, height: number): Stroke | null {
  const n = width * height;
  const wrong = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const g = gt[i]!;
    if (g !== 128 && pred[i]! >= 128 !== g > 128) wrong[i] = 1;
  }
  // Largest 4-connected wrong region.
  const label = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let best = -1;
  let bestSize = 0;
  let regions = 0;
  for (let start = 0; start < n; start++) {
    if (!wrong[start] || label[start]! >= 0) continue;
    let qt = 0;
    queue[qt++] = start;
    label[start] = regions;
    for (let qh = 0; qh < qt; qh++) {
      const i = queue[qh]!;
      const x = i % width;
      for (const j of [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i - width, i + width]) {
        if (j >= 0 && j < n && wrong[j] && label[j]! < 0) {
          label[j] = regions;
          queue[qt++] = j;
        }
      }
    }
    if (qt > bestSize) {
      bestSize = qt;
      best = regions;
    }
    regions++;
  }
  if (best < 0) return null;
  // Chessboard distance to the region's border (two passes); the click goes where it is largest.
  const dist = new Float32Array(n);
  for (let i = 0; i < n; i++) dist[i] = label[i] === best ? 1e9 : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!dist[i]) continue;
      const l = x > 0 ? dist[i - 1]! : 0;
      const u = y > 0 ? dist[i - width]! : 0;
      dist[i] = Math.min(dist[i]!, l + 1, u + 1);
    }
  }
  let at = -1;
  let far = -1;
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!dist[i]) continue;
      const r = x + 1 < width ? dist[i + 1]! : 0;
      const d = y + 1 < height ? dist[i + width]! : 0;
      dist[i] = Math.min(dist[i]!, r + 1, d + 1);
      if (dist[i]! > far) {
        far = dist[i]!;
        at = i;
      }
    }
  }
  const x = at % width;
  const y = (at - x) / width;
  return {
    mode: gt[at]! > 128 ? 'add-part' : 'remove-part',
    edgeAware: true,
    size: Math.max(4, Math.round(CLICK_SIZE_SHARE * Math.max(width, height))),
    hardness: 1,
    points: [[x + 0.5, y + 0.5]],
  };
}

/** IoU after each of CLICKS simulated clicks (the last value repeats once nothing is wrong). */
export function simulateClicks(
  photo: RawImage,
  start: Mask,
  gt: Uint8Array,
): { ious: number[]; ms: number[] } {
  const ious: number[] = [];
  const ms: number[] = [];
  let mask = start;
  for (let k = 0; k < CLICKS; k++) {
    const click = nextClick(mask.data, gt, mask.width, mask.height);
    if (click) {
      const t = performance.now();
      mask = applyStrokes(mask, [click], photo);
      ms.push(performance.now() - t);
    }
    ious.push(gtIou(mask.data, gt));
  }
  return { ious, ms };
}
