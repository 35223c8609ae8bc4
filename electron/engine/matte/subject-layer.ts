/**
 * The subject on transparency for the engine: the compositing core's cut-out layer and trim
 * (compose/core/cutout.ts) on engine images, with the engine's error for a size mismatch.
 */
import { coreRgba, rawFromCore } from '../compose/core-raw';
import { subjectBounds } from '../compose/core/bounds';
import {
  TRIM_THRESHOLD,
  cutoutRgba as coreCutoutRgba,
  trimToSubject as coreTrimToSubject,
} from '../compose/core/cutout';
import { AtelierError } from '../errors';
import { DEFAULT_MAX_PIXELS } from '../imaging/decode';
import type { Mask, RawImage } from '../imaging/raw';

export { maskToImage } from '../compose/core-raw';

/** The subject on transparency: RGBA with the mask as alpha, edge colours optionally decontaminated. */
export function cutoutRgba(image: RawImage, mask: Mask, opts: { decontaminate: boolean }): RawImage {
  assertSameSize(image, mask);
  return rawFromCore(coreCutoutRgba(image, mask, opts));
}

/**
 * Crops to the subject's bounding box plus `padding` pixels on every side; padding that reaches past
 * the photo's edge is transparent. An empty mask leaves the image as it is.
 */
export function trimToSubject(rgba: RawImage, mask: Mask, padding: number): { image: RawImage; mask: Mask } {
  assertSameSize(rgba, mask);
  assertTrimFits(mask, padding);
  const trimmed = coreTrimToSubject(coreRgba(rgba), mask, padding);
  return { image: rawFromCore(trimmed.image), mask: trimmed.mask };
}

/**
 * `trim` allows 10,000 px of padding: around a photo-sized subject that is gigapixels to allocate and
 * compose. The result is held to the largest image Atelier decodes, checked before any allocation
 * (the core stays free of the engine's errors, so the check lives here).
 */
export function assertTrimFits(mask: Mask, padding: number): void {
  const pad = Math.max(0, Math.round(padding));
  const box = subjectBounds(mask, TRIM_THRESHOLD);
  if (!box) return;
  const w = box.width + 2 * pad;
  const h = box.height + 2 * pad;
  if (w * h > DEFAULT_MAX_PIXELS) {
    throw new AtelierError(
      'USAGE',
      `trim: ${pad} px of padding makes the result ${w}×${h} px, more than ${DEFAULT_MAX_PIXELS / 1e6} megapixels`,
      { hint: 'use less padding around the subject' },
    );
  }
}

function assertSameSize(image: RawImage, mask: Mask): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new AtelierError(
      'INTERNAL',
      `Mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
    );
  }
}
