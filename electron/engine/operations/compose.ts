/**
 * Compose with a reference picture: `place` puts the cut-out subject into the reference (standing on
 * its floor, with a contact shadow); `harmonize` keeps the subject on transparency with its colours
 * nudged toward the reference; `backdrop` builds a studio backdrop from the reference's palette and
 * puts the subject on it. decode (photo; the reference is read once per batch) → inference →
 * refine, compose, encode.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { readPicture } from '../compose/image-file';
import { ShadowSpecSchema } from '../compose/schemas';
import type { RawImage } from '../imaging/raw';
import { defaultMatteOptions } from '../matte';
import { referenceComposeInPool } from '../workers/pixel-work';
import { encodeAndWrite } from './write-output';
import { decodeForMatte, fullMask, inferLowMask, type LowMask, type MatteReady } from './matte-stages';
import { formatSchema, providerSchema, qualitySchema } from './params';
import type { Operation } from './types';

export const composeParamsSchema = z.object({
  /** The reference picture (a file path). */
  reference: z.string().min(1),
  mode: z.enum(['place', 'harmonize', 'backdrop']).default('place'),
  /** Colour harmonization toward the reference, 0..1 (place and harmonize modes). */
  strength: z.number().min(0).max(1).default(0.5),
  /** Backdrop style (backdrop mode). */
  style: z.enum(['gradient', 'sweep']).default('sweep'),
  /** Contact shadow (place and backdrop); null for none. */
  shadow: ShadowSpecSchema.nullable().optional(),
  model: z.string().min(1).default('u2netp'),
  provider: providerSchema,
  refine: z.boolean().default(true),
  format: formatSchema,
  quality: qualitySchema,
  keepMetadata: z.boolean().default(false),
});
export type ComposeParams = z.infer<typeof composeParamsSchema>;

interface Decoded {
  ready: MatteReady;
  reference: RawImage;
}

interface Inferred {
  low: LowMask;
  reference: RawImage;
}

/** The reference is the same for every item of a batch: read it once (re-read if the file changes). */
let cachedReference: { key: string; image: Promise<RawImage> } | undefined;
function readReference(file: string): Promise<RawImage> {
  let key = file;
  try {
    const s = statSync(file);
    key = `${file}:${s.size}:${s.mtimeMs}`;
  } catch {
    // readPicture reports the missing file with its own clear error.
  }
  if (cachedReference?.key !== key) {
    const image = readPicture(file, 'reference image');
    image.catch(() => (cachedReference = undefined));
    cachedReference = { key, image };
  }
  return cachedReference.image;
}

export const compose: Operation<ComposeParams, Decoded, Inferred> = {
  name: 'compose',
  schema: composeParamsSchema,
  modelId: (p) => p.model,
  outputFormat: (p) => p.format,

  async decode(input, p, ctx) {
    const [ready, reference] = await Promise.all([decodeForMatte(input, p, ctx), readReference(p.reference)]);
    return { ready, reference };
  },

  noteOf: ({ ready }) => ready.decoded.note,

  async process({ ready, reference }) {
    const inferred = await inferLowMask(ready);
    return { value: { low: inferred.value, reference }, provider: inferred.provider };
  },

  async encode({ low, reference }, p, output) {
    const photo = low.decoded;
    const mask = await fullMask(low, { ...defaultMatteOptions, refine: p.refine });
    // The pixel work in the pool; the photo's buffer comes back with the picture.
    const composed = await referenceComposeInPool(photo.image, mask, reference, {
      mode: p.mode,
      strength: p.strength,
      style: p.style,
      ...(p.shadow !== undefined ? { shadow: p.shadow } : {}),
    });
    photo.image = composed.photo;
    return encodeAndWrite(composed.image, p, photo, output);
  },
};
