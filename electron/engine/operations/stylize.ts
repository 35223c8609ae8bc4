/**
 * Stylize: the whole photo (or only its subject or background, using a cutout mask) restyled with a
 * style model. decode → [matte when the mode needs a mask] + style model → encode.
 */
import { z } from 'zod';
import { decodeImage, type DecodedImage } from '../imaging/decode';
import type { RawImage } from '../imaging/raw';
import { computeMatte, defaultMatteOptions } from '../matte';
import { DEFAULT_PROCESSING_SIZE, DEFAULT_STYLE_MODEL, stylizeImage } from '../style';
import { encodeAndWrite } from './write-output';
import { formatSchema, providerSchema, qualitySchema } from './params';
import type { Operation } from './types';

export const stylizeParamsSchema = z.object({
  model: z.string().min(1).default(DEFAULT_STYLE_MODEL),
  provider: providerSchema,
  format: formatSchema,
  quality: qualitySchema,
  /** Long side the look is computed at. */
  processingSize: z.number().int().min(64).max(8192).default(DEFAULT_PROCESSING_SIZE),
  /** 0..1, how much of the look replaces the original. */
  strength: z.number().min(0).max(1).default(1),
  /** full, or only the subject / background (found with the cutout model `matteModel`). */
  mode: z.enum(['full', 'subject', 'background']).default('full'),
  matteModel: z.string().min(1).default('u2netp'),
  keepMetadata: z.boolean().default(false),
});
export type StylizeParams = z.infer<typeof stylizeParamsSchema>;

interface StylizeOutput {
  image: RawImage;
  decoded: DecodedImage;
}

export const stylize: Operation<StylizeParams, DecodedImage, StylizeOutput> = {
  name: 'stylize',
  schema: stylizeParamsSchema,
  modelId: (p) => p.model,
  outputFormat: (p) => p.format,

  decode: (input, _params, ctx) => decodeImage(input, { maxPixels: ctx.maxPixels }),
  noteOf: (decoded) => decoded.note,

  async process(decoded, p, ctx) {
    const mask =
      p.mode === 'full'
        ? undefined
        : (
            await computeMatte(
              decoded,
              { ...defaultMatteOptions, model: p.matteModel, provider: p.provider },
              ctx.sessions,
            )
          ).mask;
    const styled = await stylizeImage(
      decoded.image,
      {
        model: p.model,
        provider: p.provider,
        processingSize: p.processingSize,
        strength: p.strength,
        mode: p.mode,
        ...(mask ? { mask } : {}),
      },
      ctx.sessions,
    );
    return { value: { image: styled.image, decoded }, provider: styled.provider };
  },

  async encode({ image, decoded }, p, output) {
    return encodeAndWrite(image, p, decoded, output);
  },
};
