/**
 * The subject on transparency for the engine: the compositing core's cut-out layer and trim
 * (compose/core/cutout.ts) on engine images, with the engine's error for a size mismatch.
 */
import { coreRgba, rawFromCore } from '../compose/core-raw';
import { cutoutRgba as coreCutoutRgba, trimToSubject as coreTrimToSubject } from '../compose/core/cutout';
import { AtelierError } from '../errors';
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
  const trimmed = coreTrimToSubject(coreRgba(rgba), mask, padding);
  return { image: rawFromCore(trimmed.image), mask: trimmed.mask };
}

function assertSameSize(image: RawImage, mask: Mask): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new AtelierError(
      'INTERNAL',
      `Mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
    );
  }
}
