/**
 * Cutout: the subject of a photo on transparency (or, with `background` / `canvas` / `shadow`, on a
 * new background), or its mask alone. decode + resize for the model → inference → refine, compose,
 * encode and write (see matte-stages.ts for why the refinement rides with encoding). The composing is
 * cutout-compose.ts, shared with re-rendering a stored item from its mask (operations/edit.ts).
 */
import { z } from 'zod';
import { BackgroundSpecSchema, CanvasSpecSchema, ShadowSpecSchema } from '../compose/schemas';
import { defaultMatteOptions } from '../matte';
import { cutoutInPool } from '../workers/pixel-work';
import { writeFileAtomic } from './atomic-write';
import { decodeForMatte, inferLowMask, type LowMask, type MatteReady } from './matte-stages';
import { formatSchema, maskQualitySchema, providerSchema, qualitySchema } from './params';
import type { Operation } from './types';
import { encodingOf } from './write-output';

export const cutoutParamsSchema = z.object({
  model: z.string().min(1).default('u2netp'),
  provider: providerSchema,
  format: formatSchema,
  quality: qualitySchema,
  /** Write the mask (white subject on black) instead of the cut-out. */
  maskOnly: z.boolean().default(false),
  /** Crop to the subject's bounds plus this many pixels of padding. */
  trim: z.number().int().min(0).max(10_000).optional(),
  /** soft: the model's smooth alpha; hard: a crisp threshold (logos, products). */
  edges: z.enum(['soft', 'hard']).default('soft'),
  /** Edge-aware refinement of the mask at full resolution with the original pixels. */
  refine: z.boolean().default(true),
  /** best: a second, mirrored model look where the first mask is unsure; fast: one look. */
  maskQuality: maskQualitySchema,
  /** Blur the mask edge by this many pixels. */
  feather: z.number().min(0).max(200).default(0),
  /** Remove the old background's colour from edge pixels (no halo). */
  decontaminate: z.boolean().default(true),
  background: BackgroundSpecSchema.optional(),
  shadow: ShadowSpecSchema.optional(),
  canvas: CanvasSpecSchema.optional(),
  /** Keep the input's EXIF (ICC profiles are always kept). */
  keepMetadata: z.boolean().default(false),
});
export type CutoutParams = z.infer<typeof cutoutParamsSchema>;

export const cutout: Operation<CutoutParams, MatteReady, LowMask> = {
  name: 'cutout',
  schema: cutoutParamsSchema,
  modelId: (p) => p.model,
  outputFormat: (p) => p.format,

  // A recorded cut-out's input file gets its history form where it is read (the record reads nothing).
  decode: (input, p, ctx) => decodeForMatte(input, p, ctx, ctx.recordsOriginal?.() ?? false),
  noteOf: (ready) => ready.decoded.note,

  process: (ready) => inferLowMask(ready),

  async encode(low, p, output, work) {
    const { decoded } = low;
    // The model's mask before edge styling is kept with the item, so any later change of composition
    // (and hand edits) re-renders from it without running the model again. The mask, the composition
    // and both encodings are made in the pool: only the file's bytes and the mask's PNG come back
    // (the photo stays there; nothing after this stage uses it).
    const { output: picture, mask } = await cutoutInPool(
      decoded.image,
      low.low,
      {
        refine: p.refine,
        removeIslands: defaultMatteOptions.removeIslands,
        composition: p,
        encoding: encodingOf(p, decoded),
      },
      { file: decoded.file, ...(work?.signal ? { signal: work.signal } : {}) },
    );
    const { bytes, width, height, thumbnail, stored } = picture;
    await writeFileAtomic(output, bytes);
    const original = low.original;
    return { bytes, picture: { width, height, thumbnail, stored }, mask, ...(original ? { original } : {}) };
  },
};
