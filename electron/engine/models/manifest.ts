import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AtelierError } from '../errors';

/**
 * The tensor contract of a model, so that code is generic over models: a new model is a manifest
 * entry, not new code. Values are mapped as x = (px/255 * (range[1]-range[0]) + range[0] - mean) / std.
 */
const rangeSchema = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => hi > lo, 'range must be [low, high]');
const triple = z.tuple([z.number(), z.number(), z.number()]);

export const tensorInputSchema = z.object({
  /** Input tensor name; null means "the model's first input". */
  name: z.string().nullable(),
  size: z.union([
    z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
    z.literal('dynamic'),
  ]),
  layout: z.enum(['NCHW', 'NHWC']),
  channels: z.enum(['RGB', 'BGR']).default('RGB'),
  range: rangeSchema,
  mean: triple.default([0, 0, 0]),
  std: triple.refine((s) => s.every((v) => v > 0), 'std must be positive').default([1, 1, 1]),
  /** For dynamic models: sizes are rounded to a multiple of this and capped at maxSide. */
  multipleOf: z.number().int().positive().optional(),
  maxSide: z.number().int().positive().optional(),
});

export const tensorOutputSchema = z.object({
  name: z.string().nullable(),
  meaning: z.enum(['alpha', 'rgb']),
  layout: z.enum(['NCHW', 'NHWC']),
  range: rangeSchema,
  /** sigmoid: the model outputs logits (BiRefNet); applied before `normalize`. */
  activation: z.enum(['none', 'sigmoid']).default('none'),
  /** minmax: stretch the map to 0..1 before use (saliency models); none: clamp to range. */
  normalize: z.enum(['minmax', 'none']).default('none'),
});

export const modelEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id: lowercase letters, digits, . _ -'),
    name: z.string().min(1),
    task: z.enum(['matte', 'style']),
    file: z.string().min(1),
    /** The file's sha256; null only where the upstream publishes nothing but an md5 (as rembg pins BiRefNet). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits')
      .nullable()
      .default(null),
    md5: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'md5: 32 lowercase hex digits')
      .optional(),
    /** Exact file size; null only where the upstream does not publish it (BiRefNet: the md5 still pins it). */
    bytes: z.number().int().positive().nullable(),
    /**
     * Where `bytes` is unknown: the most the file can be (the catalog's upper bound), so a broken or
     * hostile mirror streaming without end is stopped there, not when the disk is full.
     */
    maxBytes: z.number().int().positive().optional(),
    license: z.string().min(1),
    commercialUse: z.boolean(),
    bundle: z.boolean().default(false),
    url: z.string().url().nullable().default(null),
    mirrorPath: z.string().optional(),
    attribution: z.string().optional(),
    input: tensorInputSchema,
    output: tensorOutputSchema,
    /** What the model is good at, for the Models page. */
    summary: z.string().optional(),
  })
  .refine((e) => e.sha256 !== null || e.md5 !== undefined, {
    message: 'a model needs a sha256 or an md5',
    path: ['sha256'],
  });

export const manifestSchema = z.object({
  version: z.literal(1),
  models: z.array(modelEntrySchema),
});

export type TensorInput = z.infer<typeof tensorInputSchema>;
export type TensorOutput = z.infer<typeof tensorOutputSchema>;
export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string, source: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AtelierError('MODEL_CONTRACT', `Model manifest is not valid JSON: ${source}`, {
      hint: 'fix the JSON syntax',
      file: source,
      cause,
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.')}: ${first.message}` : 'unknown problem';
    throw new AtelierError('MODEL_CONTRACT', `Model manifest ${source} is invalid at ${where}`, {
      hint: 'see models/manifest.json for the expected fields',
      file: source,
    });
  }
  return parsed.data;
}

export function readManifest(file: string): Manifest {
  return parseManifest(readFileSync(file, 'utf8'), file);
}
