/**
 * The cutout model split along the pipeline's stages, shared by the operations that cut out a
 * subject: resizing to the model's input rides with decoding (I/O lane), only the onnxruntime run
 * is in the serial inference stage, and the full-resolution refinement rides with encoding, so it
 * overlaps the next photo's inference instead of holding the model idle.
 */
import { decodeImage, type DecodedImage } from '../imaging/decode';
import type { Mask } from '../imaging/raw';
import {
  baseMatte,
  defaultMatteOptions,
  finishMatte,
  inferAtQuality,
  preprocessForMatte,
  type MaskQuality,
  type MatteInput,
  type MatteOptions,
} from '../matte';
import type { ProviderRequest } from '../models/providers';
import type { LoadedModel } from '../models/sessions';
import type { OperationContext, Processed } from './types';

export interface MatteReady {
  decoded: DecodedImage;
  input: MatteInput;
  model: LoadedModel;
  maskQuality: MaskQuality;
}

export interface LowMask {
  decoded: DecodedImage;
  low: Mask;
}

/** What the model half needs to know: which model, where it runs, and how hard it looks. */
export interface MatteChoice {
  model: string;
  provider: ProviderRequest;
  /** Absent: the default (best). */
  maskQuality?: MaskQuality;
}

export async function decodeForMatte(
  file: string,
  p: MatteChoice,
  ctx: OperationContext,
): Promise<MatteReady> {
  const decoded = await decodeImage(file, { maxPixels: ctx.maxPixels });
  const loaded = await ctx.sessions.load(p.model, p.provider);
  return {
    decoded,
    input: await preprocessForMatte(decoded.image, loaded.entry),
    model: loaded,
    maskQuality: p.maskQuality ?? defaultMatteOptions.maskQuality,
  };
}

export async function inferLowMask(ready: MatteReady): Promise<Processed<LowMask>> {
  const low = await inferAtQuality(ready.model, ready.input, ready.maskQuality);
  return { value: { decoded: ready.decoded, low }, provider: ready.model.provider };
}

/** The full-resolution mask from the model's low-resolution one (refine, edges, feather). */
export function fullMask(
  value: LowMask,
  options: Pick<MatteOptions, 'refine' | 'edges' | 'removeIslands' | 'feather'>,
): Promise<Mask> {
  return finishMatte(value.decoded.image, value.low, options);
}

/** The model's full-resolution mask before edge styling (what a cut-out keeps with its item). */
export function modelMask(value: LowMask, refine: boolean): Promise<Mask> {
  return baseMatte(value.decoded.image, value.low, {
    refine,
    removeIslands: defaultMatteOptions.removeIslands,
  });
}

/** The whole model half for one decoded photo (no pipeline): load, infer, full-resolution mask. */
export async function modelMaskOf(
  decoded: DecodedImage,
  p: MatteChoice & { refine: boolean },
  ctx: Pick<OperationContext, 'sessions'>,
): Promise<{ mask: Mask; provider: LoadedModel['provider'] }> {
  const model = await ctx.sessions.load(p.model, p.provider);
  const ready: MatteReady = {
    decoded,
    input: await preprocessForMatte(decoded.image, model.entry),
    model,
    maskQuality: p.maskQuality ?? defaultMatteOptions.maskQuality,
  };
  const { value } = await inferLowMask(ready);
  return { mask: await modelMask(value, p.refine), provider: model.provider };
}
