/**
 * New backgrounds behind a cut-out subject: transparent, a flat colour, dithered linear and radial
 * gradients, the original photo blurred (with the subject itself kept out of the blur), or a
 * picture file cover-fitted. `composeOver` puts the subject on top with straight-alpha "over".
 */
import sharp from 'sharp';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import type { Rgba } from './color';
import { renderLinear, renderRadial } from './gradient';
import { readPicture } from './image-file';
import { blurMask, maskFromSharp, rawFromSharp, sharpFromMask, sharpFromRaw, toRgba } from './sharp-raw';

export type BackgroundSpec =
  | { type: 'transparent' }
  | { type: 'color'; color: Rgba }
  | { type: 'linear'; stops: [Rgba, Rgba]; angle: number }
  | { type: 'radial'; inner: Rgba; outer: Rgba }
  | { type: 'blur'; radius: number }
  | { type: 'image'; path: string };

/**
 * Renders the background alone as RGBA at `width`×`height`. `original` (the photo) is needed for
 * 'blur'; with its `mask`, the subject's own pixels are left out so no ghost of it shows through.
 */
export async function renderBackground(
  spec: BackgroundSpec,
  width: number,
  height: number,
  original?: RawImage,
  mask?: Mask,
): Promise<RawImage> {
  switch (spec.type) {
    case 'transparent':
      return { data: Buffer.alloc(width * height * 4), width, height, channels: 4 };
    case 'color':
      return solid(width, height, spec.color);
    case 'linear':
      return renderLinear(width, height, spec.stops, spec.angle);
    case 'radial':
      return renderRadial(width, height, spec.inner, spec.outer);
    case 'blur':
      if (!original) {
        throw new AtelierError('USAGE', 'background blur needs the original photo', {
          hint: 'use blur only when the input photo is available, or pick a colour background',
        });
      }
      return blurredPhoto(original, mask, width, height, spec.radius);
    case 'image': {
      const picture = await readPicture(spec.path, 'background image');
      return coverFit(picture, width, height);
    }
  }
}

/** A picture scaled to cover `width`×`height` and centre-cropped, as RGBA. */
export async function coverFit(picture: RawImage, width: number, height: number): Promise<RawImage> {
  return toRgba(
    await rawFromSharp(
      sharpFromRaw(picture).resize(width, height, { fit: 'cover', position: 'centre' }).ensureAlpha(),
    ),
  );
}

function solid(width: number, height: number, c: Rgba): RawImage {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = c.r;
    data[i + 1] = c.g;
    data[i + 2] = c.b;
    data[i + 3] = c.a;
  }
  return { data, width, height, channels: 4 };
}

/**
 * The photo, cover-fitted and blurred with `radius` as the Gaussian's standard deviation (the CSS
 * blur() convention). With a mask this is a normalized convolution: pixels are weighted by
 * "not subject", so the background around the subject is filled from its surroundings instead of
 * smearing the subject's colours outward.
 */
async function blurredPhoto(
  original: RawImage,
  mask: Mask | undefined,
  width: number,
  height: number,
  radius: number,
): Promise<RawImage> {
  const sigma = Math.max(0.3, radius);
  const rgb = await rawFromSharp(
    sharpFromRaw(original).removeAlpha().resize(width, height, { fit: 'cover', position: 'centre' }),
  );
  if (!mask) return toRgba(await rawFromSharp(sharpFromRaw(rgb).blur(sigma)));
  const weights = await maskFromSharp(
    sharpFromMask(mask).resize(width, height, { fit: 'cover', position: 'centre' }).negate(),
  );
  const n = width * height;
  const weighted = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const w = weights.data[i] ?? 0;
    for (let c = 0; c < 3; c++) weighted[i * 3 + c] = Math.round(((rgb.data[i * 3 + c] ?? 0) * w) / 255);
  }
  const [blurredWeighted, blurredWeights, farFill] = await Promise.all([
    rawFromSharp(sharp(weighted, { raw: { width, height, channels: 3 } }).blur(sigma)),
    blurMask(weights, sigma),
    distantFill(weighted, weights, width, height),
  ]);
  // Where almost nothing but subject was within reach of the blur, the colour comes from the wider
  // surroundings instead (a plain blur there would leave a ghost of the subject).
  const FALLBACK = 0.04;
  const out = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const w = (blurredWeights.data[i] ?? 0) / 255;
    for (let c = 0; c < 3; c++) {
      const v =
        ((blurredWeighted.data[i * 3 + c] ?? 0) + (farFill.data[i * 3 + c] ?? 0) * FALLBACK) / (w + FALLBACK);
      out[i * 4 + c] = v > 255 ? 255 : Math.round(v);
    }
    out[i * 4 + 3] = 255;
  }
  return { data: out, width, height, channels: 4 };
}

/** Side of the small copy the distant fill is computed on. */
const FILL_SIDE = 96;

/**
 * A very wide normalized convolution (a quarter of the frame) on a small copy, scaled back up:
 * what the background probably looks like behind a large subject. Falls back to the mean
 * background colour where even that sees only subject.
 */
async function distantFill(
  weighted: Buffer,
  weights: Mask,
  width: number,
  height: number,
): Promise<RawImage> {
  const scale = Math.min(1, FILL_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const sigma = Math.max(0.3, 0.25 * Math.max(w, h));
  const smallWeighted = await rawFromSharp(
    sharp(weighted, { raw: { width, height, channels: 3 } }).resize(w, h, { fit: 'fill' }),
  );
  const smallWeights = await maskFromSharp(sharpFromMask(weights).resize(w, h, { fit: 'fill' }));
  const [bw, bm] = await Promise.all([
    rawFromSharp(sharpFromRaw(smallWeighted).blur(sigma)),
    blurMask(smallWeights, sigma),
  ]);
  const mean = [0, 0, 0];
  let total = 0;
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) mean[c] = (mean[c] ?? 0) + (smallWeighted.data[i * 3 + c] ?? 0);
    total += smallWeights.data[i] ?? 0;
  }
  const small = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const wt = (bm.data[i] ?? 0) / 255;
    for (let c = 0; c < 3; c++) {
      const globalMean = total > 0 ? ((mean[c] ?? 0) * 255) / total : 128;
      small[i * 3 + c] = Math.min(
        255,
        Math.round(((bw.data[i * 3 + c] ?? 0) + globalMean * 0.01) / (wt + 0.01)),
      );
    }
  }
  return rawFromSharp(
    sharp(small, { raw: { width: w, height: h, channels: 3 } }).resize(width, height, { fit: 'fill' }),
  );
}

/**
 * Straight-alpha Porter–Duff "over" in 8-bit sRGB: `subject` (RGBA, or opaque RGB) on top of
 * `background` of the same size. The result is RGBA; it stays transparent where both are.
 */
export function composeOver(subject: RawImage, background: RawImage): RawImage {
  if (subject.width !== background.width || subject.height !== background.height) {
    throw new AtelierError(
      'INTERNAL',
      `composeOver: subject ${subject.width}×${subject.height} and background ${background.width}×${background.height} differ in size`,
    );
  }
  const top = toRgba(subject).data;
  const bottom = toRgba(background).data;
  const out = Buffer.alloc(top.length);
  for (let i = 0; i < top.length; i += 4) {
    const as = top[i + 3] ?? 0;
    const ab = bottom[i + 3] ?? 0;
    // Most pixels are fully outside or inside the subject: copy them.
    if (as === 255 || ab === 0) {
      out[i] = top[i] ?? 0;
      out[i + 1] = top[i + 1] ?? 0;
      out[i + 2] = top[i + 2] ?? 0;
      out[i + 3] = as;
      continue;
    }
    if (as === 0) {
      out[i] = bottom[i] ?? 0;
      out[i + 1] = bottom[i + 1] ?? 0;
      out[i + 2] = bottom[i + 2] ?? 0;
      out[i + 3] = ab;
      continue;
    }
    if (ab === 255) {
      const inv = 255 - as;
      for (let c = 0; c < 3; c++)
        out[i + c] = ((top[i + c] ?? 0) * as + (bottom[i + c] ?? 0) * inv + 127) / 255;
      out[i + 3] = 255;
      continue;
    }
    // General case: weights in 255² units; den / 255 is the output alpha.
    const wb = ab * (255 - as);
    const den = as * 255 + wb;
    if (den === 0) continue;
    for (let c = 0; c < 3; c++) {
      out[i + c] = ((top[i + c] ?? 0) * as * 255 + (bottom[i + c] ?? 0) * wb + (den >> 1)) / den;
    }
    out[i + 3] = (den + 127) / 255;
  }
  return { data: out, width: subject.width, height: subject.height, channels: 4 };
}
