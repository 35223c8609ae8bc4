/**
 * A cut-out on a new background: the background operation's picture, made in a pool thread (its
 * `background` task). Apart from the operation (operations/background.ts) so that pool threads do not
 * load its params schema, and zod with it (~100 ms of a thread's start).
 */
import type { Mask, RawImage } from '../imaging/raw';
import { composeOver, renderBackground, type BackgroundSpec } from './background';
import { placeOnCanvas, type CanvasSpec } from './canvas';
import { applyShadow, renderShadow, type ShadowSpec } from './shadow';

/** What a cut-out is put on. */
export interface BackgroundSpecs {
  background: BackgroundSpec;
  shadow?: ShadowSpec | undefined;
  canvas?: CanvasSpec | undefined;
}

/** The alpha channel of an RGBA image as a mask. */
export function alphaMask(image: RawImage): Mask {
  const data = new Uint8Array(image.width * image.height);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i * 4 + 3] ?? 0;
  return { data, width: image.width, height: image.height };
}

/** The cut-out `subject` (RGBA) on its new background, shadow and canvas. */
export async function composeOnBackground(subject: RawImage, p: BackgroundSpecs): Promise<RawImage> {
  const mask = alphaMask(subject);
  if (p.canvas) return placeOnCanvas(subject, mask, p.canvas, p.background, p.shadow);
  let backdrop = await renderBackground(p.background, subject.width, subject.height, undefined, mask);
  if (p.shadow) backdrop = applyShadow(backdrop, await renderShadow(mask, p.shadow));
  return composeOver(subject, backdrop);
}
