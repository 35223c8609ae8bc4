import type { DecodedImage } from '../imaging/decode';
import type { Mask, RawImage } from '../imaging/raw';
import type { ModelSessions } from '../models/sessions';
import { shapeEdges } from '../compose/core/edges';
import { steepenEdges } from './edge-contrast';
import { refineMaskEdges } from './guided-refine';
import { removeSmallIslands } from './islands';
import { preprocessForMatte } from './model-stages';
import { ISLAND_FRACTION, type MatteOptions, type MatteResult } from './options';
import { inferAtQuality } from './second-look';
import { resizeMask } from './upscale';

/** Hard edges and feathering: a composition choice, made by the compositing core. */
export { shapeEdges };

/**
 * decode → preprocess → infer → refine, with the time of each model stage. The stages are also
 * exported one by one (preprocessForMatte, inferMatte, finishMatte) so the batch engine can overlap
 * them across photos.
 */
export async function computeMatte(
  decoded: DecodedImage,
  options: MatteOptions,
  sessions: ModelSessions,
): Promise<MatteResult> {
  const model = await sessions.load(options.model, options.provider);
  let t = performance.now();
  const input = await preprocessForMatte(decoded.image, model.entry);
  const preprocess = performance.now() - t;
  t = performance.now();
  const low = await inferAtQuality(model, input, options.maskQuality);
  const infer = performance.now() - t;
  t = performance.now();
  const mask = await finishMatte(decoded.image, low, options);
  const refine = performance.now() - t;
  return { mask, provider: model.provider, timings: { preprocess, infer, refine } };
}

/** From the model's low-resolution mask to the final full-resolution mask, following the options. */
export async function finishMatte(
  image: RawImage,
  low: Mask,
  options: Pick<MatteOptions, 'refine' | 'edges' | 'removeIslands' | 'feather'>,
): Promise<Mask> {
  return shapeEdges(await baseMatte(image, low, options), options);
}

/**
 * The model's mask at full resolution (islands removed, edges refined on the photo) before any edge
 * styling: what a cut-out keeps with its history item, so hand edits, hard edges and feathering can be
 * re-applied later without running the model again.
 */
export async function baseMatte(
  image: RawImage,
  low: Mask,
  options: Pick<MatteOptions, 'refine' | 'removeIslands'>,
): Promise<Mask> {
  const cleaned = options.removeIslands ? removeSmallIslands(low, ISLAND_FRACTION) : low;
  const mask = options.refine
    ? await refineMaskEdges(image, cleaned)
    : await resizeMask(cleaned, image.width, image.height);
  const data = mask === cleaned ? new Uint8Array(mask.data) : mask.data;
  // The edge stage: guided-filter refinement, then the model's excess blur taken out of the ramp.
  if (options.refine) steepenEdges(data);
  return { data, width: mask.width, height: mask.height };
}
