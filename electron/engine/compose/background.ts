/**
 * Backgrounds for the engine's compositing operations, on engine images: the compositing core's
 * renderers (core/backgrounds.ts) plus what needs the file system (reading an image background's
 * picture file). `composeOver` puts the subject on top with straight-alpha "over".
 */
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { coreRgba, coreRgbaCopy, rawFromCore } from './core-raw';
import { coverFit as coreCoverFit, renderBackground as renderCoreBackground } from './core/backgrounds';
import { composeOver as composeOverInPlace } from './core/compose';
import type { Geometry } from './core/geometry';
import type { BackgroundSpec } from './core/specs';
import { readPicture } from './image-file';

export type { BackgroundSpec };

/** The frame as it is: `width`×`height`, nothing moved. */
export function identityFrame(width: number, height: number): Geometry {
  return { placement: { scale: 1, dx: 0, dy: 0 }, width, height, outputWidth: width, outputHeight: height };
}

/**
 * Renders the background alone as RGBA at `width`×`height`. `original` (the photo) is needed for
 * 'blur' (cover-fitted to the size first); with its `mask`, the subject's own pixels are left out so
 * no ghost of it shows through.
 */
export async function renderBackground(
  spec: BackgroundSpec,
  width: number,
  height: number,
  original?: RawImage,
  mask?: Mask,
): Promise<RawImage> {
  if (spec.type === 'blur' && !original) {
    throw new AtelierError('USAGE', 'background blur needs the original photo', {
      hint: 'use blur only when the input photo is available, or pick a colour background',
    });
  }
  const photo =
    original && (original.width !== width || original.height !== height)
      ? coreCoverFit(coreRgba(original), width, height)
      : original && coreRgba(original);
  const fitted = mask && mask.width === width && mask.height === height ? mask : undefined;
  const picture =
    spec.type === 'image' ? coreRgba(await readPicture(spec.path, 'background image')) : undefined;
  const blank = { data: new Uint8Array(width * height), width, height };
  const image = renderCoreBackground(
    spec,
    identityFrame(width, height),
    { photo: photo ? { ...photo, channels: 4 } : { ...blank, channels: 1 }, mask: fitted ?? blank, picture },
    [],
  );
  return rawFromCore(image);
}

/** A picture scaled to cover `width`×`height` and centre-cropped, as RGBA. */
export async function coverFit(picture: RawImage, width: number, height: number): Promise<RawImage> {
  return rawFromCore(coreCoverFit(coreRgba(picture), width, height));
}

/**
 * Straight-alpha Porter–Duff "over" in 8-bit sRGB: `subject` (RGBA, or opaque RGB) on top of
 * `background` of the same size. The result is RGBA; it stays transparent where both are.
 */
export function composeOver(subject: RawImage, background: RawImage): RawImage {
  if (subject.width !== background.width || subject.height !== background.height) {
    throw new AtelierError(
      'INTERNAL',
      `composeOver: subject ${subject.width}×${subject.height} and background ${background.width}×${background.height} differ in size`,
    );
  }
  const bottom = coreRgbaCopy(background);
  composeOverInPlace(coreRgba(subject), bottom);
  return rawFromCore(bottom);
}
