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
    this.hint = options.hint;
    this.file = options.file;
  }

  /** "message — hint", the one line shown to people. */
  get userMessage(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
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
