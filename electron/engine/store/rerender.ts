/**
 * Whether a history item can be run again from its stored original, and if not, the one sentence
 * that says why (shown in History, the editor and the CLI, and used as the regenerate error).
 */
import type { GenerationRow } from './types';

export const PRIVACY_MODE_REASON =
  'its original was deleted right after the generation because privacy mode was on';

export function rerenderBlockedReason(g: Pick<GenerationRow, 'inputImageId' | 'inputPurged'>): string | null {
  if (g.inputImageId !== null) return null;
  return g.inputPurged ? PRIVACY_MODE_REASON : 'its original is no longer stored';
}
