/**
 * The cutout model split along the pipeline's stages, shared by the operations that cut out a
 * subject: resizing to the model's input rides with decoding (I/O lane), only the onnxruntime run
 * is in the serial inference stage, and the full-resolution refinement rides with encoding, so it
 * overlaps the next photo's inference instead of holding the model idle.
 */
import type { DecodedImage } from '../imaging/decode';
import type { Mask } from '../imaging/raw';
import { decodeInPool, modelMaskInPool, type OriginalImage } from '../workers/pixel-work';
import {
  defaultMatteOptions,
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
  /** The input file as the history stores it (decoded with `keepOriginal`). */
  original?: OriginalImage;
}

export interface LowMask {
  decoded: DecodedImage;
  low: Mask;
  original?: OriginalImage;
}

/** What the model half needs to know: which model, where it runs, and how hard it looks. */
export interface MatteChoice {
  model: string;
  provider: ProviderRequest;
  /** Absent: the default (best). */
  maskQuality?: MaskQuality;
}

/** `keepOriginal`: also make the input file's history form there (the caller records the item). */
export async function decodeForMatte(
  file: string,
  p: MatteChoice,
  ctx: OperationContext,
  keepOriginal = false,
): Promise<MatteReady> {
  const loaded = await ctx.sessions.load(p.model, p.provider);
  // Decoding and the resize for the model run in the pool (libvips, then Pillow's Lanczos in JS).
  const { decoded, matteInput, original } = await decodeInPool(
    { file, keepOriginal },
    ctx.maxPixels,
    loaded.entry,
  );
  return {
    decoded,
    input: matteInput!,
    model: loaded,
    maskQuality: p.maskQuality ?? defaultMatteOptions.maskQuality,
    ...(original ? { original } : {}),
  };
}

export async function inferLowMask(ready: MatteReady): Promise<Processed<LowMask>> {
  const low = await inferAtQuality(ready.model, ready.input, ready.maskQuality);
  const { decoded, original } = ready;
  return { value: { decoded, low, ...(original ? { original } : {}) }, provider: ready.model.provider };
}

/**
 * The full-resolution mask from the model's low-resolution one (refine, edges, feather), worked out in
 * the pixel pool; the photo's buffer travels there and back (`value.decoded.image` is the returned one).
 */
export async function fullMask(
  value: LowMask,
  options: Pick<MatteOptions, 'refine' | 'edges' | 'removeIslands' | 'feather'>,
): Promise<Mask> {
  const out = await modelMaskInPool(
    value.decoded.image,
    value.low,
    { ...options, shape: { edges: options.edges, feather: options.feather } },
    { file: value.decoded.file },
  );
  value.decoded.image = out.photo;
  return out.mask;
}

/** The model's full-resolution mask before edge styling (what a cut-out keeps with its item), in the pool. */
export async function modelMask(value: LowMask, refine: boolean): Promise<Mask> {
  const out = await modelMaskInPool(
    value.decoded.image,
    value.low,
    { refine, removeIslands: defaultMatteOptions.removeIslands },
    { file: value.decoded.file },
  );
  value.decoded.image = out.photo;
  return out.mask;
}

/** The whole model half for one decoded photo (no pipeline): load, infer, full-resolution mask. */
export async function modelMaskOf(
  decoded: DecodedImage,
  p: MatteChoice & { refine: boolean },
  ctx: Pick<OperationContext, 'sessions'>,
  /** The model input, made in the pool with the decode (decodeInPool with the model); else made here. */
  input?: MatteInput,
): Promise<{ mask: Mask; provider: LoadedModel['provider'] }> {
  const model = await ctx.sessions.load(p.model, p.provider);
  const ready: MatteReady = {
    decoded,
    input: input ?? (await preprocessForMatte(decoded.image, model.entry)),
    model,
    maskQuality: p.maskQuality ?? defaultMatteOptions.maskQuality,
  };
  const { value } = await inferLowMask(ready);
  return { mask: await modelMask(value, p.refine), provider: model.provider };
}
