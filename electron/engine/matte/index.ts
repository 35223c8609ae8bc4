/** The cutout engine: model mask → refined full-resolution mask → decontaminated RGBA. */
export { baseMatte, computeMatte, finishMatte, shapeEdges } from './compute';
export { cutoutRgba, maskToImage, trimToSubject } from './subject-layer';
export { inferMatte, preprocessForMatte, type MatteInput } from './model-stages';
export {
  defaultMatteOptions,
  type MaskQuality,
  type MatteOptions,
  type MatteResult,
  type MatteTimings,
} from './options';
export { guidedFilter, refineMaskEdges } from './guided-refine';
export { removeSmallIslands } from './islands';
export { resizeMask } from './upscale';
export { inferAtQuality, inferWithSecondLook, secondLook } from './second-look';
