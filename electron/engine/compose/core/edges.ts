/**
 * The edge styling of a composition: hard edges (a crisp cut at 50 %) and feathering, applied to the
 * stored soft mask each time a cut-out is composed, so they can change without running the model.
 */
import { gaussianBlurU8 } from './blur-u8';
import { clonePlane } from './raster';
import type { Plane8 } from './types';

/**
 * Hard edges then feathering (a Gaussian of `feather` px, blur-u8.ts), on a copy of `mask`;
 * the mask itself when neither applies. `feather` is in the mask's own pixels: the preview scales
 * the full-resolution value to its display size before calling.
 */
export function shapeEdges(mask: Plane8, options: { edges: 'soft' | 'hard'; feather: number }): Plane8 {
  if (options.edges !== 'hard' && options.feather <= 0) return mask;
  const { data } = clonePlane(mask);
  if (options.edges === 'hard') {
    for (let i = 0; i < data.length; i++) data[i] = data[i]! >= 128 ? 255 : 0;
  }
  if (options.feather > 0) gaussianBlurU8(data, mask.width, mask.height, options.feather);
  return { data, width: mask.width, height: mask.height };
}
