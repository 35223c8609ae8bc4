import { z } from 'zod';
import { AtelierError } from '../errors';

/** Shared params fields: the execution provider and the output encoding. */
export const providerSchema = z.enum(['auto', 'cpu', 'gpu']).default('auto');
export const formatSchema = z.enum(['png', 'webp', 'jpeg']).default('png');
export const qualitySchema = z.number().int().min(1).max(100).default(90);
/** How hard the model looks: fast, one look; best, a second mirrored look where the first is unsure. */
export const maskQualitySchema = z.enum(['fast', 'best']).default('best');

/** Validates params with an operation's schema; a bad field becomes one USAGE error naming it. */
export function parseParams<T>(schema: z.ZodType<T>, raw: unknown, operation: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'params';
  throw new AtelierError('USAGE', `${operation}: ${field}: ${issue?.message ?? 'invalid value'}`, {
    hint: `check the ${field} setting (atelier ${operation} --help lists them)`,
  });
}
