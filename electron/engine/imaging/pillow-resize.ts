/**
 * Lanczos resampling that gives Pillow's bytes (`Image.resize(size, Image.LANCZOS)`, 8-bit), because
 * rembg resizes with Pillow both ways and our masks are judged against rembg's. libvips' lanczos3
 * differs most when shrinking (it pre-shrinks with a box filter), which moved plants-1's mask to the
 * edge of the 0.98 IoU line. Follows libImaging/Resample.c: the kernel support scales with the
 * shrink factor, coefficients are normalised then rounded to 22-bit fixed point, the horizontal pass
 * runs first (on the source rows the vertical pass needs only) and each pass rounds to 8 bits.
 */
import type { RawImage } from './raw';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);
const SUPPORT = 3;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return x >= -SUPPORT && x < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0;
}

interface Coefficients {
  /** Per output pixel: first input index and tap count. */
  bounds: Int32Array;
  /** Per output pixel: `ksize` fixed-point weights. */
  weights: Int32Array;
  ksize: number;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    // C's (int) cast truncates toward zero; both bounds are clamped, so Math.trunc matches.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos((x + xmin - center + 0.5) * ss);
      k[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? k[x]! / sum : k[x]!;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

/** sum >> 22 clamped to 0..255 (the sums stay within int32, as in Pillow's C). */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Resizes 8-bit interleaved pixels (any channel count) to width×height exactly as Pillow's LANCZOS. */
export function pillowLanczos(img: RawImage, width: number, height: number): RawImage {
  const { width: inW, height: inH, channels: ch, data } = img;
  if (inW === width && inH === height) return img;
  const vert = coefficients(inH, height);
  const firstRow = vert.bounds[0]!;
  const lastRow = vert.bounds[(height - 1) * 2]! + vert.bounds[(height - 1) * 2 + 1]!;
  let src: Uint8Array = data;
  let srcW = inW;
  let rowOffset = 0;
  if (inW !== width) {
    const horiz = coefficients(inW, width);
    const rows = lastRow - firstRow;
    const tmp = new Uint8Array(width * rows * ch);
    const { bounds, weights, ksize } = horiz;
    for (let y = 0; y < rows; y++) {
      const inRow = (y + firstRow) * inW * ch;
      const outRow = y * width * ch;
      for (let xx = 0; xx < width; xx++) {
        const xmin = bounds[xx * 2]!;
        const n = bounds[xx * 2 + 1]!;
        const kOff = xx * ksize;
        const o = outRow + xx * ch;
        if (ch === 3) {
          // One walk over the taps for all three channels (the common case).
          let r = HALF;
          let g = HALF;
          let b = HALF;
          for (let x = 0, s = inRow + xmin * 3; x < n; x++, s += 3) {
            const k = weights[kOff + x]!;
            r += data[s]! * k;
            g += data[s + 1]! * k;
            b += data[s + 2]! * k;
          }
          tmp[o] = clip8(r);
          tmp[o + 1] = clip8(g);
          tmp[o + 2] = clip8(b);
          continue;
        }
        for (let c = 0; c < ch; c++) {
          let sum = HALF;
          for (let x = 0, s = inRow + xmin * ch + c; x < n; x++, s += ch)
            sum += data[s]! * weights[kOff + x]!;
          tmp[o + c] = clip8(sum);
        }
      }
    }
    src = tmp;
    srcW = width;
    rowOffset = firstRow;
  }
  const out = Buffer.allocUnsafe(width * height * ch);
  if (inH === height) {
    out.set(src.subarray(0, width * height * ch));
    return { data: out, width, height, channels: ch };
  }
  const { bounds, weights, ksize } = vert;
  const stride = srcW * ch;
  for (let yy = 0; yy < height; yy++) {
    const ymin = bounds[yy * 2]! - rowOffset;
    const n = bounds[yy * 2 + 1]!;
    const kOff = yy * ksize;
    const outRow = yy * stride;
    for (let i = 0; i < stride; i++) {
      let sum = HALF;
      for (let y = 0, s = ymin * stride + i; y < n; y++, s += stride) sum += src[s]! * weights[kOff + y]!;
      out[outRow + i] = clip8(sum);
    }
  }
  return { data: out, width, height, channels: ch };
}
