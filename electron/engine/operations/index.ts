/**
 * Every operation the engine runs, by name, with its params schema (the API contract and the CLI
 * both validate with these; there is no second copy).
 */
import type { z } from 'zod';
import { background, backgroundParamsSchema } from './background';
import { compose, composeParamsSchema } from './compose';
import { cutout, cutoutParamsSchema } from './cutout';
import { stylize, stylizeParamsSchema } from './stylize';
import type { Operation, OperationName } from './types';

export { backgroundParamsSchema, composeParamsSchema, cutoutParamsSchema, stylizeParamsSchema };
export type { BackgroundParams } from './background';
export type { ComposeParams } from './compose';
export type { CutoutParams } from './cutout';
export type { StylizeParams } from './stylize';
export type { BoundOperation, OperationName, OperationResult, StageTimings } from './types';

export const operationParamsSchemas = {
  cutout: cutoutParamsSchema,
  background: backgroundParamsSchema,
  stylize: stylizeParamsSchema,
  compose: composeParamsSchema,
} satisfies Record<OperationName, z.ZodType>;

// Each operation has its own params type; the table erases them, `bindOperation` validates at runtime.
const table: Record<OperationName, Operation<never, never, never>> = {
  cutout: cutout as unknown as Operation<never, never, never>,
  background: background as unknown as Operation<never, never, never>,
  stylize: stylize as unknown as Operation<never, never, never>,
  compose: compose as unknown as Operation<never, never, never>,
};

export function operationFor(name: OperationName): Operation<unknown, unknown, unknown> {
  return table[name] as unknown as Operation<unknown, unknown, unknown>;
}
