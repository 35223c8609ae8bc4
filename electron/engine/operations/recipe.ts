/**
 * A cut-out's recipe: how it is composed from the original and its mask. Changes arrive as the
 * cutout schema's values or as the same spec strings people type for the cutout flags
 * (`background=#ff0000`, `background=linear:#fff,#ddd,180`, `shadow=soft`, `canvas=amazon`), parsed
 * by the one compose parser. Only a change of what the model computes (model, refine) needs a model
 * run; everything else re-renders from the stored mask for free.
 */
import { parseBackground, parseCanvas, parseShadow } from '../compose/parse';
import { AtelierError } from '../errors';
import { cutoutParamsSchema, type CutoutParams } from './cutout';
import { parseParams } from './params';

/** Params whose change means running the model again (a charged generation). */
export const MASK_KEYS = ['model', 'refine', 'maskQuality'] as const;

const KNOWN_KEYS = new Set(Object.keys(cutoutParamsSchema.shape));

/**
 * Spec strings parsed, `null` / "none" / "off" kept as "remove this setting" (undefined after the merge),
 * unknown keys refused with the list of known ones.
 */
export function normalizeChanges(changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new AtelierError('USAGE', `Unknown cut-out setting "${key}"`, {
        hint: `use one of ${[...KNOWN_KEYS].join(', ')}`,
      });
    }
    out[key] = typeof value === 'string' ? parseSpec(key, value) : value;
  }
  return out;
}

function parseSpec(key: string, value: string): unknown {
  switch (key) {
    case 'background':
      return parseBackground(value, 'background');
    case 'shadow':
      return parseShadow(value, 'shadow');
    case 'canvas':
      return value.trim().toLowerCase() === 'none' || value.trim().toLowerCase() === 'off'
        ? null
        : parseCanvas(value, 'canvas');
    case 'trim':
    case 'feather':
    case 'quality': {
      if (value.trim().toLowerCase() === 'none' || value.trim().toLowerCase() === 'off') return null;
      const n = Number(value);
      return Number.isFinite(n) && value.trim() !== '' ? n : value;
    }
    case 'maskOnly':
    case 'refine':
    case 'decontaminate':
    case 'keepMetadata':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

/** The full cut-out params: `changes` (normalized) over `base`; null removes a setting. */
export function mergeRecipe(base: Record<string, unknown>, changes: Record<string, unknown>): CutoutParams {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(normalizeChanges(changes))) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return parseParams(cutoutParamsSchema, merged, 'cutout');
}

/** Whether going from `before` to `after` needs the model to run again. */
export function changesMask(before: CutoutParams, after: CutoutParams): boolean {
  return MASK_KEYS.some((k) => before[k] !== after[k]);
}
