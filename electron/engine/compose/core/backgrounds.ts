/**
 * What goes behind the subject, rendered at the composed picture's size: transparency, a flat
 * colour, dithered linear and radial gradients, the original photo blurred (moved with the subject
 * on a canvas, the subject's own pixels kept out of the blur), or a picture cover-fitted.
 */
import { blurredPhoto } from './blur-background';
import { blurFloat, SHARP_BLUR_SIGMA } from './gaussian';
import { place, unmoved, type Geometry } from './geometry';
import { renderLinear, renderRadial, solid } from './gradient';
import { remember, type Memo } from './memo';
import { alphaPlane, cloneRgba, newRgba, planeToRgba, resampleRgba, toRgba } from './raster';
import { recycle } from './scratch';
import type { BackgroundSpec } from './specs';
import type { Pixels, Plane8, Rgba8 } from './types';

/** What a background may need besides its spec. */
export interface BackgroundInputs {
  /** The photo at the source's size (for 'blur'). */
  photo: Pixels;
  /** The finished mask at the source's size (keeps the subject out of the blur). */
  mask: Plane8;
  /** The picture of an 'image' background, any size (cover-fitted here). */
  picture?: Rgba8;
  /** Memos of the costly backgrounds, reused while their inputs stay the same. */
  cache?: BackgroundCache;
  /**
   * The layer drawn over the background next, when nothing else shows the background (the engine's
   * render, not the preview's backdrop): where it is opaque, a costly background is left undrawn.
   */
  hidden?: Rgba8;
}

export interface BackgroundCache {
  blur?: Memo<Rgba8>;
  aligned?: Memo<{ photo: Pixels; mask: Plane8 }>;
  picture?: Memo<Rgba8>;
}

/** Shown under the 'image' background's stand-in when its picture is not available. */
export const PICTURE_MISSING_NOTE = 'The picture background shows after Apply.';

/**
 * The background of `spec` at `g`'s size, as a new buffer the caller may draw into. `notes` gets a
 * line when something cannot be shown exactly (an image background without its picture).
 */
export function renderBackground(
  spec: BackgroundSpec,
  g: Geometry,
  inputs: BackgroundInputs,
  notes: string[],
): Rgba8 {
  switch (spec.type) {
    case 'transparent':
      return newRgba(g.width, g.height);
    case 'color':
      return solid(g.width, g.height, spec.color);
    case 'linear':
      return renderLinear(g.width, g.height, spec.stops, spec.angle);
    case 'radial':
      return renderRadial(g.width, g.height, spec.inner, spec.outer);
    case 'blur':
      return ownCopy(cachedBlur(spec.radius, g, inputs), inputs.cache?.blur);
    case 'image': {
      const picture = inputs.picture;
      if (picture) {
        const key = [picture, picture.data, g.width, g.height];
        const fitted = remember(inputs.cache?.picture, key, () => coverFit(picture, g.width, g.height));
        return ownCopy(fitted, inputs.cache?.picture);
      }
      notes.push(PICTURE_MISSING_NOTE);
      return solid(g.width, g.height, { r: 200, g: 200, b: 204, a: 255 });
    }
  }
}

/**
 * A buffer the caller may draw into: a copy of what `memo` keeps, or the fresh result itself where
 * nothing is kept (the engine's full-size renders: a 24 MP copy is 96 MB and ~0.1 s for nothing).
 */
function ownCopy(img: Rgba8, memo: Memo<unknown> | undefined): Rgba8 {
  if (!memo) return img;
  return cloneRgba(img);
}

/**
 * The blurred photo for `radius` (full-resolution px) at `g`: computed once per (photo, mask,
 * framing, size, radius) and kept in the cache, since a shadow, colour or canvas-free change leaves it
 * as it is.
 */
function cachedBlur(radius: number, g: Geometry, inputs: BackgroundInputs): Rgba8 {
  const p = g.placement;
  const framing = [inputs.photo, inputs.photo.data, inputs.mask, inputs.mask.data, p.scale, p.dx, p.dy];
  framing.push(g.width, g.height);
  const previous = inputs.cache?.blur?.value;
  const blur = remember(inputs.cache?.blur, [...framing, radius], () => {
    // A new radius over the same framing blurs the same aligned photo again.
    const moved = remember(inputs.cache?.aligned, framing, () => aligned(g, inputs));
    const sigma = Math.max(0.3, radius * (g.width / g.outputWidth));
    // A kept blur is shown whole later (under another subject layer): drawn whole when cached.
    const blurred = blurredPhoto(moved.photo, moved.mask, sigma, inputs.cache ? undefined : inputs.hidden);
    // Nothing keeps the moved copies without a cache (the photo and mask themselves are the caller's).
    if (!inputs.cache && moved.photo !== inputs.photo) recycle(moved.photo.data, moved.mask.data);
    return blurred;
  });
  // The blur of the radius before (the preview's slider moved): only the cache held it (callers get copies).
  if (previous && previous !== blur) recycle(previous.data);
  return blur;
}

/**
 * The photo and its mask under the subject's own transform, so the subject covers its own spot and
 * the blur keeps the photo's perspective (instead of a reframed copy with a ghost of the subject).
 * Unmoved, they are the inputs themselves: the blur reads the photo as it is (no RGBA copy).
 */
function aligned(g: Geometry, inputs: BackgroundInputs): { photo: Pixels; mask: Plane8 } {
  if (unmoved(g, inputs.photo)) return { photo: inputs.photo, mask: inputs.mask };
  const original = toRgba(inputs.photo);
  const photo = place(original, g, 'clamp');
  fadeStreaks(photo, g, original);
  if (original.data !== inputs.photo.data) recycle(original.data);
  const mask = alphaPlane(place(planeToRgba(inputs.mask), g, 'clear'));
  return { photo: { ...photo, channels: 4 }, mask };
}

/** A picture scaled to cover `width`×`height` and centre-cropped. */
export function coverFit(picture: Rgba8, width: number, height: number): Rgba8 {
  const scale = Math.max(width / picture.width, height / picture.height);
  return resampleRgba(
    picture,
    { scale, dx: (width - picture.width * scale) / 2, dy: (height - picture.height * scale) / 2 },
    width,
    height,
    'clamp',
  );
}

/**
 * Where the moved photo does not reach, its repeated edge pixels make streaks (mirroring would repeat
 * the subject itself); away from the photo they fade into a very soft copy of the frame (a ~64 px
 * copy blurred and read back), over a tenth of the frame.
 */
function fadeStreaks(img: Rgba8, g: Geometry, original: Rgba8): void {
  const { width, height } = img;
  const p = g.placement;
  const px0 = p.dx;
  const py0 = p.dy;
  const px1 = p.dx + original.width * p.scale - 1;
  const py1 = p.dy + original.height * p.scale - 1;
  if (px0 <= 0 && py0 <= 0 && px1 >= width - 1 && py1 >= height - 1) return;
  const side = 64;
  const k = Math.min(1, side / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * k));
  const sh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(sw * sh * 3);
  const count = new Float32Array(sw * sh);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0; x < width; x++) {
      const c = sy * sw + Math.min(sw - 1, Math.floor((x * sw) / width));
      const o = (y * width + x) * 4;
      small[c * 3]! += img.data[o]!;
      small[c * 3 + 1]! += img.data[o + 1]!;
      small[c * 3 + 2]! += img.data[o + 2]!;
      count[c]! += 1;
    }
  }
  for (let c = 0; c < sw * sh; c++) for (let j = 0; j < 3; j++) small[c * 3 + j]! /= Math.max(1, count[c]!);
  blurFloat(small, sw, sh, 3, SHARP_BLUR_SIGMA * (side / 12));
  const reach = 0.1 * Math.max(width, height);
  for (let y = 0; y < height; y++) {
    const dy = Math.max(py0 - y, y - py1, 0);
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const dx = Math.max(px0 - x, x - px1, 0);
      if (dx <= 0 && dy <= 0) continue;
      const t = Math.min(1, Math.max(dx, dy) / reach);
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const o = (y * width + x) * 4;
      for (let j = 0; j < 3; j++) {
        const top = small[(y0 * sw + x0) * 3 + j]! * (1 - tx) + small[(y0 * sw + x1) * 3 + j]! * tx;
        const bottom = small[(y1 * sw + x0) * 3 + j]! * (1 - tx) + small[(y1 * sw + x1) * 3 + j]! * tx;
        img.data[o + j] = img.data[o + j]! * (1 - t) + (top * (1 - ty) + bottom * ty) * t;
      }
    }
  }
}
