import type { Mask } from '../imaging/raw';
import type { ProviderReport, ProviderRequest } from '../models/providers';

export interface MatteOptions {
  /** A matte model id from the manifest (bundled or custom). */
  model: string;
  provider: ProviderRequest;
  /** Edge-aware refinement of the model's low-resolution mask, guided by the full-resolution pixels. */
  refine: boolean;
  /** soft: the model's smooth alpha; hard: a crisp cut at 50% (logos, products). */
  edges: 'soft' | 'hard';
  /** Drop blobs smaller than `islandFraction` of the largest one (stray specks of background). */
  removeIslands: boolean;
  /** Blur radius of the final alpha, in pixels of the full image (0 = none). */
  feather: number;
  /** best: a second, mirrored look where the first mask is unsure (second-look.ts); fast: one look. */
  maskQuality: MaskQuality;
}

export type MaskQuality = 'fast' | 'best';

export const defaultMatteOptions: MatteOptions = {
  model: 'u2netp',
  provider: 'auto',
  refine: true,
  edges: 'soft',
  removeIslands: true,
  feather: 0,
  maskQuality: 'best',
};

/** A blob below this share of the largest blob's area counts as an island. */
export const ISLAND_FRACTION = 0.02;

export interface MatteTimings {
  preprocess: number;
  /** Inference, the second look included where it ran. */
  infer: number;
  refine: number;
}

export interface MatteResult {
  /** Full resolution, 0 = background, 255 = subject. */
  mask: Mask;
  provider: ProviderReport;
  /** Milliseconds per stage. */
  timings: MatteTimings;
}
