/**
 * What a cut-out's composition is made of (the "recipe"): edges, feather, decontamination, trim,
 * background, contact shadow and marketplace canvas. The engine validates these with zod
 * (compose/schemas.ts, operations/cutout.ts); the renderer reads them from an item's params.
 */
import type { Rgba } from './color';

export type BackgroundSpec =
  | { type: 'transparent' }
  | { type: 'color'; color: Rgba }
  | { type: 'linear'; stops: [Rgba, Rgba]; angle: number }
  | { type: 'radial'; inner: Rgba; outer: Rgba }
  | { type: 'blur'; radius: number }
  /** A picture file; the core composes from its pixels, which the caller decodes (see ComposeOptions). */
  | { type: 'image'; path: string };

export interface ShadowSpec {
  /** Darkness of the shadow's core, 0..1. */
  opacity: number;
  /** Softness: the footprint's Gaussian sigma in px for a subject 1000 px tall (scales with it). */
  blur: number;
  /** How far below the base the shadow sits, in px for a subject 1000 px tall (scales with it). */
  offsetY: number;
  /** Width of the footprint relative to the subject's base (1 = as wide). */
  spread: number;
}

export interface CanvasSpec {
  width: number;
  height: number;
  /** Fraction of the canvas (inside the margin) the subject's bounding box fills on its limiting side. */
  fill: number;
  align: 'center' | 'bottom';
  /** Pixels kept clear on every side before `fill` applies. */
  margin?: number;
}

export interface Recipe {
  background?: BackgroundSpec;
  shadow?: ShadowSpec;
  canvas?: CanvasSpec;
  /** Crop to the subject plus this many pixels of padding. */
  trim?: number;
  /** Feather sigma in full-resolution pixels. */
  feather: number;
  edges: 'soft' | 'hard';
  decontaminate: boolean;
}
