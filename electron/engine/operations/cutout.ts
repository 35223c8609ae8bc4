/**
 * Cutout: the subject of a photo on transparency (or, with `background` / `canvas` / `shadow`, on a
 * new background), or its mask alone. decode + resize for the model → inference → refine, compose,
 * encode and write (see matte-stages.ts for why the refinement rides with encoding).
 */
import { z } from 'zod';
import { placeOnCanvas } from '../compose/canvas';
import { composeOver, renderBackground } from '../compose/background';
import { BackgroundSpecSchema, CanvasSpecSchema, ShadowSpecSchema } from '../compose/schemas';
import { applyShadow, renderShadow } from '../compose/shadow';
import type { RawImage } from '../imaging/raw';
import { cutoutRgba, defaultMatteOptions, maskToImage, trimToSubject } from '../matte';
import { encodeAndWrite } from './write-output';
import { decodeForMatte, fullMask, inferLowMask, type LowMask, type MatteReady } from './matte-stages';
import { formatSchema, providerSchema, qualitySchema } from './params';
import type { Operation } from './types';

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

  decode: (input, p, ctx) => decodeForMatte(input, p.model, p.provider, ctx),
  noteOf: (ready) => ready.decoded.note,

  process: (ready) => inferLowMask(ready),

  async encode(low, p, output) {
    const { decoded } = low;
    let mask = await fullMask(low, {
      refine: p.refine,
      edges: p.edges,
      feather: p.feather,
      removeIslands: defaultMatteOptions.removeIslands,
    });
    let image: RawImage;
    if (p.maskOnly) {
      image = maskToImage(mask);
    } else if (p.canvas) {
      const subject = cutoutRgba(decoded.image, mask, { decontaminate: p.decontaminate });
      image = await placeOnCanvas(
        subject,
        mask,
        p.canvas,
        p.background ?? { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } },
        p.shadow,
        decoded.image,
      );
    } else {
      image = cutoutRgba(decoded.image, mask, { decontaminate: p.decontaminate });
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
          p.trim === undefined ? decoded.image : undefined,
          mask,
        );
        if (p.shadow) backdrop = applyShadow(backdrop, await renderShadow(mask, p.shadow));
        image = composeOver(image, backdrop);
      }
    }
    return encodeAndWrite(image, p, decoded, output);
  },
};
