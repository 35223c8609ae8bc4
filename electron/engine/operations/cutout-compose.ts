/**
 * The compose-from-mask half of a cut-out: from the original photo and a full-resolution mask (the
 * model's, or the hand-edited one) to the final picture, following the composition params (edges,
 * feather, trim, background, shadow, canvas, mask-only). Shared by the cutout operation and by
 * re-rendering a stored item (operations/edit.ts). The composition itself is the compositing core's
 * (compose/core/compose.ts), the same code the editor's live preview runs at display size; this adds
 * only what needs the file system (an image background's picture) and the engine's image types.
 */
import { coreRgba, maskToImage, rawFromCore } from '../compose/core-raw';
import { composeRecipe, subjectOf } from '../compose/core/compose';
import { shapeEdges } from '../compose/core/edges';
import { readPicture } from '../compose/image-file';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { assertTrimFits } from '../matte/subject-layer';
import type { CutoutParams } from './cutout';
import { keepSubject, keptSubject } from './kept-subject';

export type CompositionParams = Pick<
  CutoutParams,
  'maskOnly' | 'trim' | 'edges' | 'feather' | 'decontaminate' | 'background' | 'shadow' | 'canvas'
>;

/**
 * `sourceKey` names the photo and mask by content (a re-render of a stored item): the subject layer
 * made for them is kept on this thread for the next render with the same edges (kept-subject.ts).
 */
export async function composeCutout(
  photo: RawImage,
  baseMask: Mask,
  p: CompositionParams,
  sourceKey?: string,
): Promise<RawImage> {
  if (photo.width !== baseMask.width || photo.height !== baseMask.height) {
    throw new AtelierError(
      'INTERNAL',
      `Mask is ${baseMask.width}×${baseMask.height} but the image is ${photo.width}×${photo.height}`,
    );
  }
  if (p.maskOnly) return maskToImage(shapeEdges(baseMask, p));
  if (p.trim !== undefined) assertTrimFits(baseMask, p.trim);
  const picture =
    p.background?.type === 'image'
      ? coreRgba(await readPicture(p.background.path, 'background image'))
      : undefined;
  const source = { photo, mask: baseMask, fullWidth: photo.width, fullHeight: photo.height };
  // A batch's photo is composed once: its subject layer is the picture itself where nothing goes behind.
  if (sourceKey === undefined)
    return rawFromCore(composeRecipe(source, p, { backgroundPicture: picture }).image);
  const key = subjectKey(sourceKey, p);
  const subject = keptSubject(key) ?? subjectOf(source, p);
  const { image } = composeRecipe(source, p, { backgroundPicture: picture, subject });
  keepSubject(key, subject, baseMask);
  return rawFromCore(image);
}

/**
 * Makes the subject layer a render of `sourceKey` with these edges will draw, and keeps it on this
 * thread (kept-subject.ts), ahead of that render: the editor has just opened the item.
 */
export function prepareSubject(
  photo: RawImage,
  baseMask: Mask,
  p: CompositionParams,
  sourceKey: string,
): void {
  if (p.maskOnly || photo.width !== baseMask.width || photo.height !== baseMask.height) return;
  const key = subjectKey(sourceKey, p);
  const source = { photo, mask: baseMask, fullWidth: photo.width, fullHeight: photo.height };
  keepSubject(key, keptSubject(key) ?? subjectOf(source, p), baseMask);
}

/** What a subject layer is made from: the photo and mask by content, and the edge recipe. */
function subjectKey(sourceKey: string, p: CompositionParams): string {
  return [sourceKey, p.edges, p.feather, p.decontaminate].join('|');
}
