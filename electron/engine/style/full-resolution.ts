/**
 * Brings the look, computed at processing size, back to the original's full resolution.
 *
 * Choice: upscale the stylised image, then add back the original's fine luminance detail — the band
 * the downscale threw away, Y(original) − Y(upscale(downscale(original))) — scaled per pixel and per
 * channel by how much of the original's local contrast the look itself kept. That gain is the slope
 * `a` of a guided filter's local linear model (He et al., "Guided Image Filtering"), fitted at
 * processing size: styled ≈ a·Y + b in a small window. Where the look kept the structure (a ≈ 1),
 * hair, lashes and fabric come back sharp; where it painted a flat area (a ≈ 0), no photo texture is
 * pasted on top, which a fixed gain does and which shows as bright halos around every edge.
 * Why not a full guided upsampling: it would also smooth away the strokes the model invented, which
 * are the look itself. This keeps them and costs a few box filters at processing size plus one pass
 * at full size. At processing size ≥ image size it is a no-op.
 */
import { boxMean } from '../compose/core/box-filter';
import type { RawImage } from '../imaging/raw';
import { resizeRgb } from './raw-resize';

/**
 * Window radius at processing size. The models' outputs are soft at the pixel level, so the slope is
 * fitted over a 13² window where the look's structure still tracks the photo's (tuned on the fixtures).
 */
const RADIUS = 6;
/** Regulariser in 8-bit units²: contrast below ~4 levels in the original counts as flat. */
const EPSILON = 16;
/** Gains above 1 would sharpen beyond the photo; stored as 8-bit with this ceiling. */
const MAX_GAIN = 1.25;
/**
 * Share of the detail always restored, whatever the slope says: the small 256² anime students blur
 * everything at their own scale (mean slope ~0.3), and without a floor eyes and hair come out soft.
 * 0.65 chosen by eye on the fixtures' 1:1 crops: 0.5 looked soft, 0.8 showed halos on edges.
 */
const MIN_GAIN = 0.65;

function luma(data: Uint8Array, i: number): number {
  return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
}

/** Per-channel detail gain at processing size, as an 8-bit RGB image (0..255 ↦ 0..MAX_GAIN). */
export function detailGain(original: RawImage, stylised: RawImage): RawImage {
  const { width, height } = original;
  const n = width * height;
  const guide = new Float32Array(n);
  for (let p = 0; p < n; p++) guide[p] = luma(original.data, p * 3);
  const meanI = boxMean(guide, width, height, RADIUS);
  const sq = guide.map((v) => v * v);
  const meanII = boxMean(sq, width, height, RADIUS);
  const gain = Buffer.allocUnsafe(n * 3);
  const channel = new Float32Array(n);
  const product = new Float32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < n; p++) {
      channel[p] = stylised.data[p * 3 + c]!;
      product[p] = channel[p]! * guide[p]!;
    }
    const meanP = boxMean(channel, width, height, RADIUS);
    const meanIP = boxMean(product, width, height, RADIUS);
    const slope = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const variance = meanII[p]! - meanI[p]! * meanI[p]!;
      slope[p] = (meanIP[p]! - meanI[p]! * meanP[p]!) / (variance + EPSILON);
    }
    const smooth = boxMean(slope, width, height, RADIUS);
    for (let p = 0; p < n; p++) {
      const a = Math.min(MAX_GAIN, MIN_GAIN + (1 - MIN_GAIN) * Math.max(0, smooth[p]!));
      gain[p * 3 + c] = Math.round((a / MAX_GAIN) * 255);
    }
  }
  return { data: gain, width, height, channels: 3 };
}

export async function restoreFullResolution(
  original: RawImage,
  downscaled: RawImage,
  stylised: RawImage,
): Promise<RawImage> {
  if (stylised.width === original.width && stylised.height === original.height) return stylised;
  const { width, height } = original;
  const [styledUp, blurredUp, gainUp] = await Promise.all([
    resizeRgb(stylised, width, height),
    resizeRgb(downscaled, width, height),
    resizeRgb(detailGain(downscaled, stylised), width, height),
  ]);
  const out = Buffer.allocUnsafe(width * height * 3);
  const n = width * height;
  const unit = MAX_GAIN / 255;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const detail = luma(original.data, i) - luma(blurredUp.data, i);
    for (let c = 0; c < 3; c++) {
      const v = styledUp.data[i + c]! + gainUp.data[i + c]! * unit * detail;
      out[i + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { data: out, width, height, channels: 3 };
}
