import { z } from 'zod';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import type { ProviderRequest } from '../models/providers';

/** The bundled, commercially usable style model: what `stylize` uses when no model is named. */
export const DEFAULT_STYLE_MODEL = 'anime-facepaint';
/**
 * Long side the look is computed at when none is given. The style students were trained on 256²
 * crops where a face fills the frame, so they need features drawn big: on the fixtures a face ~200 px
 * tall in a 2000 px photo came out blurred and ghosted at 512 or 1024 and cleanly painted at 2000
 * (bench/out/style). 2048 keeps that quality for camera-size photos at ~80 tiles of 256².
 */
export const DEFAULT_PROCESSING_SIZE = 2048;

/**
 * How to restyle an image. Every field but `mask` has a default (see `resolveStylizeOptions`), so the
 * operations layer may pass only what the user set.
 */
export interface StylizeOptions {
  /** Manifest id of a `task: "style"` model. Default 'anime-facepaint'. */
  model: string;
  /** Execution provider request: 'auto' (GPU, then CPU), 'cpu' or 'gpu' (no fallback). Default 'auto'. */
  provider: ProviderRequest;
  /**
   * Long side, in pixels, the look is computed at (64..8192, default 2048). The model sees the image at
   * this size (in overlapping tiles for fixed-size models), so a bigger value gives finer brush strokes
   * relative to the picture, crisper faces, and costs time roughly in proportion to its square (see
   * `npx tsx bench/style.ts`). Images smaller than this are processed at their own size (upscaling
   * adds no detail). Lower it for a quick preview.
   */
  processingSize: number;
  /** 0..1, how much of the look replaces the original. 0 returns the input's bytes unchanged. Default 1. */
  strength: number;
  /**
   * 'full' styles everything; 'subject' only where `mask` > 0 (pixels with mask 0 stay byte-identical);
   * 'background' the inverse (pixels with mask 255 stay byte-identical). Default 'full'.
   */
  mode: 'full' | 'subject' | 'background';
  /** Subject mask (255 = subject) with the image's size; required for 'subject' and 'background'. */
  mask?: Mask;
  /**
   * Overlap between neighbouring tiles in model pixels, for fixed-size models (0..half the tile).
   * Default a quarter of the tile. More overlap = smoother cross-fades, more tiles.
   */
  tileOverlap?: number;
  /** Aborts between tile batches with AtelierError('CANCELLED'). */
  signal?: AbortSignal;
  /** Called after each batch of tiles (or the single run of a dynamic model): tiles done / total. */
  onProgress?: (done: number, total: number) => void;
}

type OptionalFields = 'mask' | 'tileOverlap' | 'signal' | 'onProgress';
export type ResolvedStylizeOptions = Required<Omit<StylizeOptions, OptionalFields>> &
  Pick<StylizeOptions, OptionalFields>;

const optionsSchema = z.object({
  model: z.string().min(1).default(DEFAULT_STYLE_MODEL),
  provider: z.enum(['auto', 'cpu', 'gpu']).default('auto'),
  processingSize: z.number().int().min(64).max(8192).default(DEFAULT_PROCESSING_SIZE),
  strength: z.number().min(0).max(1).default(1),
  mode: z.enum(['full', 'subject', 'background']).default('full'),
  tileOverlap: z.number().int().min(0).optional(),
});

/** Validates options from any caller (CLI flags, API params) and fills defaults. */
export function resolveStylizeOptions(input: Partial<StylizeOptions>): ResolvedStylizeOptions {
  // Non-data fields (objects, callbacks) are passed through; zod validates the plain values.
  const { mask, signal, onProgress, ...rest } = input;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'options';
    throw new AtelierError('USAGE', `Invalid stylize option "${field}": ${issue?.message ?? 'invalid'}`, {
      hint: 'processingSize is an integer 64..8192, strength 0..1, mode full|subject|background',
    });
  }
  const { tileOverlap, ...required } = parsed.data;
  return {
    ...required,
    ...(mask ? { mask } : {}),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(tileOverlap === undefined ? {} : { tileOverlap }),
  };
}

export function assertValidImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new AtelierError('USAGE', `Image to stylize has an invalid size ${width}×${height}`, {
      hint: 'decode the image before stylizing it',
    });
  }
  if (![1, 3, 4].includes(channels) || data.length !== width * height * channels) {
    throw new AtelierError(
      'USAGE',
      `Image to stylize has ${data.length} bytes, expected ${width}×${height}×${channels}`,
      { hint: 'pass raw 8-bit pixels with 1, 3 or 4 channels' },
    );
  }
}

/** Subject/background modes need a mask of the image's size; a mask in 'full' mode is ignored. */
export function assertModeMask(options: ResolvedStylizeOptions, image: RawImage): Mask | undefined {
  if (options.mode === 'full') return undefined;
  const { mask } = options;
  if (!mask) {
    throw new AtelierError('USAGE', `Stylize mode "${options.mode}" needs a subject mask (option "mask")`, {
      hint: 'compute one with the matte engine first, or use mode "full"',
    });
  }
  if (
    mask.width !== image.width ||
    mask.height !== image.height ||
    mask.data.length !== mask.width * mask.height
  ) {
    throw new AtelierError(
      'USAGE',
      `Option "mask" is ${mask.width}×${mask.height} (${mask.data.length} values) but the image is ${image.width}×${image.height}`,
      { hint: 'compute the mask on the same image at full resolution' },
    );
  }
  return mask;
}
