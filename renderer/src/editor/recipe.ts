/**
 * The composition part of a cut-out's parameters (the "recipe"), read defensively from an item's
 * params (the engine validates them; the renderer sees them as plain JSON). The types are the
 * compositing core's (electron/engine/compose/core/specs.ts), which the renderer may import.
 */

import type { BackgroundSpec, Recipe, Rgba } from '../../../electron/engine/compose/core';

export type {
  BackgroundSpec,
  CanvasSpec,
  Recipe,
  Rgba,
  ShadowSpec,
} from '../../../electron/engine/compose/core';

export const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 255 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function rgba(v: unknown): Rgba {
  if (!isObject(v)) return WHITE;
  return { r: num(v.r, 0), g: num(v.g, 0), b: num(v.b, 0), a: num(v.a, 255) };
}

function background(v: unknown): BackgroundSpec | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'transparent':
      return { type: 'transparent' };
    case 'color':
      return { type: 'color', color: rgba(v.color) };
    case 'linear': {
      const stops = Array.isArray(v.stops) ? v.stops : [];
      return { type: 'linear', stops: [rgba(stops[0]), rgba(stops[1])], angle: num(v.angle, 180) };
    }
    case 'radial':
      return { type: 'radial', inner: rgba(v.inner), outer: rgba(v.outer) };
    case 'blur':
      return { type: 'blur', radius: num(v.radius, 24) };
    case 'image':
      return typeof v.path === 'string' ? { type: 'image', path: v.path } : undefined;
    default:
      return undefined;
  }
}

/** The recipe in a cutout item's params (missing keys take the cutout schema's defaults). */
export function recipeFromParams(params: Record<string, unknown>): Recipe {
  const shadow = isObject(params.shadow)
    ? {
        opacity: num(params.shadow.opacity, 0.5),
        blur: num(params.shadow.blur, 18),
        offsetY: num(params.shadow.offsetY, 4),
        spread: num(params.shadow.spread, 1.05),
      }
    : undefined;
  const c = params.canvas;
  const canvas =
    isObject(c) && typeof c.width === 'number' && typeof c.height === 'number'
      ? {
          width: c.width,
          height: c.height,
          fill: num(c.fill, 0.85),
          align: c.align === 'bottom' ? ('bottom' as const) : ('center' as const),
          ...(typeof c.margin === 'number' ? { margin: c.margin } : {}),
        }
      : undefined;
  return {
    background: background(params.background),
    shadow,
    canvas,
    trim: typeof params.trim === 'number' ? params.trim : undefined,
    feather: num(params.feather, 0),
    edges: params.edges === 'hard' ? 'hard' : 'soft',
    decontaminate: params.decontaminate !== false,
  };
}

/** Output size of the full-resolution render for a source of `width`×`height` (before trim). */
export function outputSizeHint(
  recipe: Recipe,
  width: number,
  height: number,
): { width: number; height: number } {
  return recipe.canvas ? { width: recipe.canvas.width, height: recipe.canvas.height } : { width, height };
}
