/**
 * The contact shadow for the engine's other compositing operations (background, compose, reference):
 * the compositing core's shadow (core/shadow.ts) on engine images.
 */
import type { Mask, RawImage } from '../imaging/raw';
import { coreRgbaCopy, rawFromCore } from './core-raw';
import {
  applyShadow as applyShadowInPlace,
  defaultShadow,
  renderShadow as renderCoreShadow,
} from './core/shadow';
import type { ShadowSpec } from './core/specs';

export { defaultShadow, type ShadowSpec };

/**
 * The shadow as a mask (its alpha, 0..255) for a subject whose mask is `mask`, already placed on
 * the output canvas (same size as the result).
 */
export async function renderShadow(mask: Mask, spec: ShadowSpec): Promise<Mask> {
  return renderCoreShadow(mask, spec);
}

/** The background with the shadow darkened into it (a new image; the input is left as it is). */
export function applyShadow(background: RawImage, shadow: Mask): RawImage {
  const bg = coreRgbaCopy(background);
  applyShadowInPlace(bg.data, shadow);
  return rawFromCore(bg);
}
