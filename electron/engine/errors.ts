/**
 * Errors a user can act on. Every failure that reaches a person (CLI line, UI toast, API error) is an
 * AtelierError: a stable `code` for programs, a one-line `message` that names the file or field, and a
 * `hint` saying what to do. Stack traces stay in logs.
 */
export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'NOT_READABLE'
  | 'EMPTY_FILE'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_IMAGE'
  | 'TOO_MANY_PIXELS'
  | 'OUTPUT_NOT_WRITABLE'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_IS_INPUT'
  | 'MODEL_MISSING'
  | 'MODEL_CORRUPT'
  | 'MODEL_CONTRACT'
  | 'PROVIDER_UNAVAILABLE'
  | 'DATABASE'
  | 'INSUFFICIENT_TOKENS'
  | 'NETWORK'
  | 'AUTH'
  | 'CANCELLED'
  /** The item's original is not kept (privacy mode) or expired: it cannot be re-rendered or touched up. */
  | 'ORIGINAL_UNAVAILABLE'
  /** Another window saved the same item first (its revision moved on). */
  | 'CONFLICT'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL';

/**
 * What to do about each kind of failure, when the site that threw has nothing more specific to say.
 * Every code has one (the type makes a new code without a hint a compile error).
 */
export const DEFAULT_HINTS: Record<ErrorCode, string> = {
  USAGE: 'check the command or field named above (`atelier <command> --help` lists the options)',
  NOT_FOUND: 'it may have been deleted or expired; refresh and try again',
  EMPTY_FILE: 'the file has no bytes; copy it again from its source',
  NOT_READABLE: 'Atelier may not read it: check its permissions, or copy it somewhere readable',
  UNSUPPORTED_FORMAT: 'use a JPEG, PNG, WebP, AVIF, TIFF or GIF image',
  CORRUPT_IMAGE: 'the file could not be decoded; open it in another app and save it again',
  TOO_MANY_PIXELS: 'resize the image below the pixel limit and try again',
  OUTPUT_NOT_WRITABLE: 'choose another output folder or fix its permissions',
  OUTPUT_EXISTS: 'choose another name, or set what to do on a name conflict',
  OUTPUT_IS_INPUT: 'choose an output folder or name different from the input',
  MODEL_MISSING: 'install it under Settings ▸ Models (or `atelier models install ID`)',
  MODEL_CORRUPT:
    'the model file is damaged; install it again (Settings ▸ Models, `atelier models install ID`)',
  MODEL_CONTRACT: "the model does not match its manifest entry; check the entry's inputs and outputs",
  PROVIDER_UNAVAILABLE: 'choose "Automatic" or "CPU" under Settings ▸ Processing',
  DATABASE: 'the history database could not be used; restart Atelier, and see the log folder if it persists',
  INSUFFICIENT_TOKENS: 'buy a token pack under Account, or wait for tomorrow’s free quota',
  NETWORK: 'check the internet connection; nothing is lost, it is retried',
  AUTH: 'sign in again under Account',
  CANCELLED: 'start it again when you are ready',
  INTERNAL: 'this is a bug: the details are in the log file (Settings ▸ Open log folder)',
  ORIGINAL_UNAVAILABLE:
    'the original photo is no longer kept (privacy mode or expiry); run it again from the file',
  CONFLICT: 'it was changed elsewhere meanwhile; reload it and apply your change again',
  NOT_IMPLEMENTED: 'this is not available in this version yet',
};

export class AtelierError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; file?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AtelierError';
    this.code = code;
    this.hint = options.hint ?? DEFAULT_HINTS[code];
    this.file = options.file;
  }

  /** "message — hint", the one line shown to people. */
  get userMessage(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/**
 * An error as the log file keeps it: the user-facing fields plus the stack and the chain of causes
 * (never sent to the UI; serializeError is what crosses a boundary).
 */
export interface LoggedError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  file?: string;
  stack?: string;
  cause?: LoggedError | string;
}

export function errorForLog(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const e = error as Error & { code?: unknown; hint?: unknown; file?: unknown };
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: e.name,
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    ...(typeof e.file === 'string' ? { file: e.file } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
    ...(cause === undefined ? {} : { cause: depth < 5 ? errorForLog(cause, depth + 1) : String(cause) }),
  };
}

/** Turns anything thrown into an AtelierError without losing the original as `cause`. */
export function toAtelierError(error: unknown, file?: string): AtelierError {
  if (error instanceof AtelierError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AtelierError('INTERNAL', file ? `${message}: ${file}` : message, { cause: error, file });
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint?: string;
  file?: string;
}

export function serializeError(error: unknown): SerializedError {
  const e = toAtelierError(error);
  return {
    code: e.code,
    message: e.message,
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.file ? { file: e.file } : {}),
  };
}
