/**
 * The compose-from-mask half of a cut-out: from the original photo and a full-resolution mask (the
 * model's, or the hand-edited one) to the final picture, following the composition params (edges,
 * feather, trim, background, shadow, canvas, mask-only). Shared by the cutout operation and by
 * re-rendering a stored item (operations/edit.ts): the one place compositing of a cut-out is written.
 */
import { placeOnCanvas } from '../compose/canvas';
import { composeOver, renderBackground } from '../compose/background';
import { applyShadow, renderShadow } from '../compose/shadow';
import type { Mask, RawImage } from '../imaging/raw';
import { cutoutRgba, maskToImage, shapeEdges, trimToSubject } from '../matte';
import type { CutoutParams } from './cutout';

export type CompositionParams = Pick<
  CutoutParams,
  'maskOnly' | 'trim' | 'edges' | 'feather' | 'decontaminate' | 'background' | 'shadow' | 'canvas'
>;

export async function composeCutout(
  photo: RawImage,
  baseMask: Mask,
  p: CompositionParams,
): Promise<RawImage> {
  let mask = shapeEdges(baseMask, p);
  if (p.maskOnly) return maskToImage(mask);
  if (p.canvas) {
    const subject = cutoutRgba(photo, mask, { decontaminate: p.decontaminate });
    return placeOnCanvas(
      subject,
      mask,
      p.canvas,
      p.background ?? { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } },
      p.shadow,
      photo,
    );
  }
  let image = cutoutRgba(photo, mask, { decontaminate: p.decontaminate });
  if (p.trim !== undefined) {
    const trimmed = trimToSubject(image, mask, p.trim);
    image = trimmed.image;
    mask = trimmed.mask;
  }
  if (p.background || p.shadow) {
    let backdrop = await renderBackground(
      p.background ?? { type: 'transparent' },
      image.width,
      image.height,
      p.trim === undefined ? photo : undefined,
      mask,
    );
    if (p.shadow) backdrop = applyShadow(backdrop, await renderShadow(mask, p.shadow));
    image = composeOver(image, backdrop);
  }
  return image;
}
