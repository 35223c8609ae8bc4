/**
 * Checks a NewGeneration's fields before anything is written, so a caller's mistake is one clear
 * AtelierError naming the field instead of a SQLite constraint message (or a silently odd row).
 */
import { z } from 'zod';
import { AtelierError } from '../errors';
import type { NewGeneration } from './types';

const imageSchema = z
  .object({
    bytes: z.instanceof(Buffer),
    mime: z
      .string()
      .regex(/^image\/[\w.+-]+$/)
      .optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    thumbnail: z.instanceof(Buffer).optional(),
  })
  .nullish();

const newGenerationSchema = z.object({
  accountId: z.string().min(1).optional(),
  operation: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()),
  model: z.string().nullish(),
  provider: z.string().nullish(),
  timings: z.record(z.string(), z.number().nonnegative()).optional(),
  tokensSpent: z.number().int().nonnegative().optional(),
  status: z.enum(['done', 'failed']),
  error: z.string().nullish(),
  inputName: z.string().nullish(),
  input: imageSchema,
  inputImageId: z.number().int().positive().nullish(),
  output: imageSchema,
  batchId: z.string().nullish(),
  sourceGenerationId: z.number().int().positive().nullish(),
  createdAt: z
    .date()
    .refine((d) => !Number.isNaN(d.getTime()), 'invalid date')
    .optional(),
});

export function validateNewGeneration(input: NewGeneration): void {
  const result = newGenerationSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'generation';
    throw new AtelierError(
      'USAGE',
      `Invalid generation for the history: ${field}: ${issue?.message ?? 'invalid'}`,
      {
        hint: 'this is a bug in the caller; report it with the operation that ran',
      },
    );
  }
  try {
    JSON.stringify(input.params);
  } catch (cause) {
    throw new AtelierError('USAGE', 'Invalid generation for the history: params is not JSON-serialisable', {
      hint: 'pass plain values (numbers, strings, arrays, objects) as params',
      cause,
    });
  }
}
