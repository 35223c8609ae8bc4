/**
 * The style pipeline's pixel stages around the model run, as pure functions of their inputs so the
 * worker pool runs them (a 24 MP photo's colour split, detail restore and blend are about a second of
 * loops that must not hold the engine's thread): before, the photo's RGB at processing size; after,
 * the model's look back at full size with the photo's fine detail, blended by strength and mask.
 */
import type { Mask, RawImage } from '../imaging/raw';
import { blendStyled } from './blend';
import { restoreFullResolution } from './full-resolution';
import { resizeRgb, toRgb } from './raw-resize';

/** The photo's colour at the size the model paints at. */
export function styleInput(image: RawImage, size: { width: number; height: number }): Promise<RawImage> {
  return resizeRgb(toRgb(image), size.width, size.height);
}

export interface StyledFinish {
  /** The photo as given (any channel count; alpha is kept as it was). */
  image: RawImage;
  /** What the model was given (styleInput's result). */
  modelInput: RawImage;
  /** What the model painted, at the model input's size. */
  styled: RawImage;
  strength: number;
  mode: 'full' | 'subject' | 'background';
  mask?: Mask | undefined;
}

/** The look at the photo's size (enlarged photos are shrunk back; others get their detail back), blended. */
export async function finishStyled(f: StyledFinish): Promise<RawImage> {
  const { image } = f;
  const enlarged = f.modelInput.width > image.width;
  const fullSize = enlarged
    ? await resizeRgb(f.styled, image.width, image.height)
    : await restoreFullResolution(toRgb(image), f.modelInput, f.styled);
  return blendStyled(image, fullSize, f.strength, f.mode, f.mask);
}
