/**
 * New background for an image that is already cut out (a PNG/WebP with transparency): its alpha is
 * the mask; the subject goes on a colour, gradient, picture or marketplace canvas, with an optional
 * contact shadow. No model runs. decode → compose → encode.
 */
import { z } from 'zod';
import { composeOver, renderBackground } from '../compose/background';
import { placeOnCanvas } from '../compose/canvas';
import { BackgroundSpecSchema, CanvasSpecSchema, ShadowSpecSchema } from '../compose/schemas';
import { applyShadow, renderShadow } from '../compose/shadow';
import type { DecodedImage } from '../imaging/decode';
import type { Mask, RawImage } from '../imaging/raw';
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

/** The alpha channel of an RGBA image as a mask. */
export function alphaMask(image: RawImage): Mask {
  const data = new Uint8Array(image.width * image.height);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i * 4 + 3] ?? 0;
  return { data, width: image.width, height: image.height };
}

/** The cut-out `subject` (RGBA) on its new background, shadow and canvas (what the pool's task runs). */
export async function composeOnBackground(
  subject: RawImage,
  p: Pick<BackgroundParams, 'background' | 'shadow' | 'canvas'>,
): Promise<RawImage> {
  const mask = alphaMask(subject);
  if (p.canvas) return placeOnCanvas(subject, mask, p.canvas, p.background, p.shadow);
  let backdrop = await renderBackground(p.background, subject.width, subject.height, undefined, mask);
  if (p.shadow) backdrop = applyShadow(backdrop, await renderShadow(mask, p.shadow));
  return composeOver(subject, backdrop);
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
