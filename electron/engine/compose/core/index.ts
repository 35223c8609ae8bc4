/**
 * The compositing core: pure functions of typed arrays, no Node, no DOM, no sharp, nothing imported
 * from outside this folder (lint rule and scripts/architecture.test.ts). The engine calls it at full
 * resolution, the renderer's preview worker at display size.
 */
export { composeOver, composeRecipe, invalidate } from './compose';
export type { ComposeCache, ComposeOptions, ComposeSource, Composition } from './compose';
export { coverFit, renderBackground, PICTURE_MISSING_NOTE } from './backgrounds';
export { blurredPhoto } from './blur-background';
export { subjectBounds, SUBJECT_ALPHA_THRESHOLD } from './bounds';
export { WHITE, BLACK, type Rgba } from './color';
export { cutoutRgba, trimToSubject } from './cutout';
export { shapeEdges } from './edges';
export { fitToCanvas, frame, place, type Geometry } from './geometry';
export { renderLinear, renderRadial, solid } from './gradient';
export {
  alphaPlane,
  clonePlane,
  cloneRgba,
  halvePlane,
  halveRgba,
  newPlane,
  newRgba,
  planeToRgba,
  resampleRgba,
  toRgba,
  type Placement,
} from './raster';
export { takeBack } from './scratch';
export { applyShadow, defaultShadow, renderShadow } from './shadow';
export type { BackgroundSpec, CanvasSpec, Recipe, ShadowSpec } from './specs';
export type { Box, Pixels, Plane8, Rgba8 } from './types';
