/**
 * The compose operation's pixel work (a cut-out placed on, harmonised with, or set before a backdrop
 * drawn from a reference picture): run in the worker pool (workers/tasks.ts 'referenceCompose'), never
 * on the engine's thread. Kept apart from operations/compose.ts so the pool's threads load only this.
 */
import { composeOver } from '../compose/background';
import { harmonizeColors } from '../compose/harmonize';
import { extractPalette, renderBackdrop } from '../compose/palette';
import { placeOnReference } from '../compose/reference';
import { applyShadow, defaultShadow, renderShadow, type ShadowSpec } from '../compose/shadow';
import type { Mask, RawImage } from '../imaging/raw';
import { cutoutRgba } from '../matte';

export interface ReferenceComposition {
  mode: 'place' | 'harmonize' | 'backdrop';
  strength: number;
  style: 'gradient' | 'sweep';
  /** Absent: the default contact shadow; null: none. */
  shadow?: ShadowSpec | null;
}

export async function composeWithReference(
  photo: RawImage,
  mask: Mask,
  reference: RawImage,
  p: ReferenceComposition,
): Promise<RawImage> {
  const subject = cutoutRgba(photo, mask, { decontaminate: true });
  const shadow = p.shadow === undefined ? defaultShadow : p.shadow;
  if (p.mode === 'place') {
    return (await placeOnReference(subject, mask, reference, { harmonize: p.strength, shadow })).image;
  }
  if (p.mode === 'harmonize') return harmonizeColors(subject, mask, reference, p.strength);
  const palette = await extractPalette(reference);
  let backdrop = renderBackdrop(palette, subject.width, subject.height, p.style);
  if (shadow) backdrop = applyShadow(backdrop, await renderShadow(mask, shadow));
  return composeOver(subject, backdrop);
}
