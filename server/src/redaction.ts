/**
 * Request headers that never reach the server's logs. The desktop app's log redacts the same ones
 * (electron/engine/log/redact.ts; its test checks the two lists agree).
 */
export const REDACTED_HEADERS = ['authorization', 'cookie', 'atelier-signature'] as const;

/** The headers as pino redact paths. */
export const redactPaths = (): string[] =>
  REDACTED_HEADERS.map((h) => (h.includes('-') ? `req.headers["${h}"]` : `req.headers.${h}`));
