/**
 * Runtime schemas for the compose specs, for the API to validate what crosses a process boundary.
 * Each is tied to its TypeScript type, so the two cannot drift apart.
 */
import { z } from 'zod';
import type { BackgroundSpec } from './background';
import type { CanvasSpec } from './canvas';
import type { Rgba } from './core/color';
import type { ShadowSpec } from './shadow';

const channel = z.number().int().min(0).max(255);

export const RgbaSchema: z.ZodType<Rgba> = z.object({ r: channel, g: channel, b: channel, a: channel });

/** Largest side of a generated canvas or background, in px. */
export const MAX_CANVAS_SIDE = 10_000;
const side = z.number().int().min(16).max(MAX_CANVAS_SIDE);

export const BackgroundSpecSchema: z.ZodType<BackgroundSpec> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transparent') }),
  z.object({ type: z.literal('color'), color: RgbaSchema }),
  z.object({
    type: z.literal('linear'),
    stops: z.tuple([RgbaSchema, RgbaSchema]),
    angle: z.number().finite(),
  }),
  z.object({ type: z.literal('radial'), inner: RgbaSchema, outer: RgbaSchema }),
  z.object({ type: z.literal('blur'), radius: z.number().min(0).max(500) }),
  z.object({ type: z.literal('image'), path: z.string().min(1) }),
]);

export const CanvasSpecSchema: z.ZodType<CanvasSpec> = z
  .object({
    width: side,
    height: side,
    fill: z.number().gt(0).max(1),
    align: z.enum(['center', 'bottom']),
    margin: z.number().int().min(0).optional(),
  })
  .refine((c) => (c.margin ?? 0) * 2 < Math.min(c.width, c.height), {
    message: 'margin must leave room for the subject',
    path: ['margin'],
  });

export const ShadowSpecSchema: z.ZodType<ShadowSpec> = z.object({
  opacity: z.number().min(0).max(1),
  blur: z.number().min(0).max(500),
  offsetY: z.number().min(-1000).max(1000),
  spread: z.number().min(0.1).max(5),
});
