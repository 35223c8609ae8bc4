/**
 * New background for an image that is already cut out (a PNG/WebP with transparency): its alpha is
 * the mask; the subject goes on a colour, gradient, picture or marketplace canvas, with an optional
 * contact shadow. No model runs. decode → compose → encode.
 */
import { z } from 'zod';
import { BackgroundSpecSchema, CanvasSpecSchema, ShadowSpecSchema } from '../compose/schemas';
import type { DecodedImage } from '../imaging/decode';
import type { RawImage } from '../imaging/raw';
import { AtelierError } from '../errors';
import { backgroundInPool, decodeInPool } from '../workers/pixel-work';
import { encodeAndWrite } from './write-output';
import { formatSchema, qualitySchema } from './params';
import type { Operation } from './types';

export const backgroundParamsSchema = z.object({
  background: BackgroundSpecSchema,
  shadow: ShadowSpecSchema.optional(),
  canvas: CanvasSpecSchema.optional(),
  format: formatSchema,
  quality: qualitySchema,
  keepMetadata: z.boolean().default(false),
});
export type BackgroundParams = z.infer<typeof backgroundParamsSchema>;

interface Composed {
  image: RawImage;
  decoded: DecodedImage;
}

export const background: Operation<BackgroundParams, DecodedImage, Composed> = {
  name: 'background',
  schema: backgroundParamsSchema,
  modelId: () => 'none',
  outputFormat: (p) => p.format,

  noteOf: (decoded) => decoded.note,

  async decode(input, _p, ctx) {
    const { decoded } = await decodeInPool({ file: input }, ctx.maxPixels);
    if (!decoded.hasAlpha || decoded.image.channels !== 4) {
      throw new AtelierError('USAGE', `No transparency in ${input}: a new background needs a cut-out`, {
        hint: 'run `atelier cutout` on it first (or use cutout --bg)',
        file: input,
      });
    }
    return decoded;
  },

  async process(decoded, p) {
    // The compositing runs in the worker pool; the subject's pixels go there and back by transfer.
    const out = await backgroundInPool(decoded.image, p, { file: decoded.file });
    decoded.image = out.subject;
    return { value: { image: out.image, decoded } };
  },

  async encode({ image, decoded }, p, output) {
    return encodeAndWrite(image, p, decoded, output);
  },
};
