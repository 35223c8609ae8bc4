/**
 * The one place engine errors become UI text. The engine's messages name files by full path and its
 * hints speak to the command line (`--out`, `atelier cutout …`); people in the app read plain words:
 * file names only (never the profile's staging folder), and what to do in the app.
 */
import type { ApiError } from '../../../electron/engine/api/contract';

/** What to do, in the app's own words, per error code (used when the engine's hint is CLI-speak). */
const UI_HINTS: Record<string, string> = {
  USAGE: 'check the settings on the right',
  NOT_FOUND: 'it may have been moved or deleted',
  EMPTY_FILE: 'the file is empty — export it again',
  UNSUPPORTED_FORMAT: 'use a JPEG, PNG, WebP, AVIF, TIFF or GIF file',
  CORRUPT_IMAGE: 're-export it from the original or download it again',
  TOO_MANY_PIXELS: 'resize it below the limit and drop it again',
  OUTPUT_NOT_WRITABLE: 'choose another folder; your work is still in the history',
  OUTPUT_EXISTS: 'choose another name',
  OUTPUT_IS_INPUT: 'choose another output folder',
  MODEL_MISSING: 'reinstall Atelier, or pick another model',
  MODEL_CORRUPT: 'reinstall Atelier, or pick another model',
  MODEL_CONTRACT: 'pick another model',
  PROVIDER_UNAVAILABLE: 'choose “Automatic” or “CPU only” in Settings',
  DATABASE: 'restart Atelier; if it persists, restore a backup from Settings',
  INSUFFICIENT_TOKENS: 'buy tokens or sign in from Account',
  NETWORK: 'check your internet connection and try again',
  AUTH: 'sign in again from Account',
  ORIGINAL_UNAVAILABLE: 'the original photo is not kept, so this item cannot be edited',
  CONFLICT: 'another window saved this item first — reload it to see its latest version',
  CANCELLED: '',
  INTERNAL: 'try again; if it persists, the log folder in Settings has the details',
};

/** Absolute POSIX or Windows paths (with or without spaces up to an extension) → their base name. */
const PATH =
  /(?:[A-Za-z]:\\|\/)(?:[^\s/\\:*?"<>|]+[/\\])+([^\s/\\:*?"<>|]+(?:\s[^\s/\\]+)*?\.[A-Za-z0-9]{2,5}|[^\s/\\]+)/g;

export function withoutPaths(text: string): string {
  return text.replace(PATH, (_match, base: string) => base);
}

/** A hint written for the command line: flags, backticks, "atelier <command>". */
function isCliHint(hint: string): boolean {
  // "check the path and spelling" speaks to someone who typed a path; in the app the photo was dropped.
  return /`|--[a-z]|\batelier\s+[a-z]|check the path/i.test(hint);
}

/**
 * A refused setting ("Unknown cut-out setting "strength" — use one of model, provider…", or the
 * contract's "method: field: message") is the app's mistake, not the person's: they read one plain
 * sentence; the engine logs the technical text (api/handlers.ts).
 */
const SETTING_REFUSED = /\bsetting\b|^[a-z]+\.[a-zA-Z]+: [\w.]+: /i;
export const SETTINGS_REFUSED_TEXT =
  'Atelier could not use these settings for this photo — choose the operation again on the right and retry (the details are in the log)';

export function uiErrorText(error: Pick<ApiError, 'code' | 'message' | 'hint'>): string {
  if (error.code === 'USAGE' && SETTING_REFUSED.test(error.message)) return SETTINGS_REFUSED_TEXT;
  const message = withoutPaths(error.message);
  const hint = error.hint && !isCliHint(error.hint) ? withoutPaths(error.hint) : (UI_HINTS[error.code] ?? '');
  return hint ? `${message} — ${hint}` : message;
}
