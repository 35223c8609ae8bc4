/**
 * Synthetic images and measurements for the style engine's tests and benchmark (not product code):
 * flat and gradient pictures, and the seam measure across tile borders.
 */
import sharp from 'sharp';
import type { RawImage } from '../imaging/raw';
import { fixturePhoto, type FIXTURE_PHOTOS } from './fixtures';

export function syntheticImage(
  width: number,
  height: number,
  colour: (x: number, y: number) => readonly [number, number, number],
): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const i = (y * width + x) * 3;
      data[i] = Math.round(r);
      data[i + 1] = Math.round(g);
      data[i + 2] = Math.round(b);
    }
  }
  return { data, width, height, channels: 3 };
}

export const flatImage = (w: number, h: number) => syntheticImage(w, h, () => [150, 120, 90]);
export const gradientImage = (w: number, h: number) =>
  syntheticImage(w, h, (x, y) => [(x * 255) / (w - 1), (y * 255) / (h - 1), 128]);

/** A fixture photo decoded to RGB and fitted within `longSide`. */
export async function fixtureRgb(name: (typeof FIXTURE_PHOTOS)[number], longSide: number): Promise<RawImage> {
  const { data, info } = await sharp(fixturePhoto(name))
    .rotate()
    .removeAlpha()
    .resize(longSide, longSide, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Sum of |Δ| over the colour channels between pixel (x, y) and its left (axis x) or upper (axis y) neighbour. */
function step(img: RawImage, x: number, y: number, axis: 'x' | 'y'): number {
  const a = (y * img.width + x) * img.channels;
  const b = axis === 'x' ? a - img.channels : a - img.width * img.channels;
  let s = 0;
  for (let c = 0; c < Math.min(3, img.channels); c++) s += Math.abs(img.data[a + c]! - img.data[b + c]!);
  return s;
}

/**
 * How much stronger the jump between neighbouring pixels is where tiles start or end than elsewhere:
 * ~1 means no seam. Style models leave a stride-2/4 checkerboard in their output, so a border pair is
 * compared only with pairs at the same position modulo 4 (and at least 4 px from any border);
 * otherwise the measure would report the model's texture, not a seam.
 */
export function seamRatio(img: RawImage, borders: { x: number[]; y: number[] }): number {
  let borderSum = 0;
  let borderCount = 0;
  let elseSum = 0;
  let elseCount = 0;
  for (const axis of ['x', 'y'] as const) {
    const list = borders[axis];
    if (list.length === 0) continue;
    const length = axis === 'x' ? img.width : img.height;
    const across = axis === 'x' ? img.height : img.width;
    const phases = new Set(list.map((b) => b % 4));
    for (let p = 1; p < length; p++) {
      const isBorder = list.includes(p);
      const near = list.some((b) => Math.abs(b - p) < 4);
      if (!isBorder && (near || !phases.has(p % 4))) continue;
      let s = 0;
      for (let q = 0; q < across; q++) s += axis === 'x' ? step(img, p, q, 'x') : step(img, q, p, 'y');
      if (isBorder) {
        borderSum += s;
        borderCount += across;
      } else {
        elseSum += s;
        elseCount += across;
      }
    }
  }
  // A small floor keeps a perfectly flat output (both means ~0) from dividing noise by noise.
  const floor = 0.05;
  return (borderSum / borderCount + floor) / (elseSum / elseCount + floor);
}

/** Mean absolute difference per colour value between two images of the same size. */
export function meanAbsDiff(a: RawImage, b: RawImage): number {
  let s = 0;
  let n = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    for (let c = 0; c < 3; c++) {
      s += Math.abs(a.data[p * a.channels + c]! - b.data[p * b.channels + c]!);
      n++;
    }
  }
  return s / n;
}

/** Mean |4-neighbour Laplacian| of luminance: how much fine detail (edges, texture) an image holds. */
export function detailEnergy(img: RawImage): number {
  const { width, height, channels, data } = img;
  const y = (x: number, yy: number) => {
    const i = (yy * width + x) * channels;
    return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  let s = 0;
  for (let yy = 1; yy < height - 1; yy++) {
    for (let x = 1; x < width - 1; x++) {
      s += Math.abs(4 * y(x, yy) - y(x - 1, yy) - y(x + 1, yy) - y(x, yy - 1) - y(x, yy + 1));
    }
  }
  return s / ((width - 2) * (height - 2));
}
