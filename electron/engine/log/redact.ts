/**
 * What never reaches a log file: the same rules as the license server's logs (server/src/app.ts redacts
 * the Authorization, Cookie and Atelier-Signature headers; redact.test.ts checks the lists agree), plus
 * the secrets the app itself handles (tokens, passwords, PKCE verifiers, the serve token).
 */
export const REDACTED = '[redacted]';

/** Header names the server redacts; the engine redacts them too, wherever they appear. */
export const SECRET_HEADERS = ['authorization', 'cookie', 'atelier-signature'] as const;

/** Keys whose values are secret, in objects, JSON text, query strings and cookies. */
export const SECRET_KEYS = [
  ...SECRET_HEADERS,
  'password',
  'token',
  'access_token',
  'refresh_token',
  'accesstoken',
  'refreshtoken',
  'id_token',
  'code_verifier',
  'client_secret',
  'secret',
  'atelier_token',
  'set-cookie',
  // serve's read-only image grant (serve-auth.ts) rides in image URLs' query strings.
  'grant',
] as const;

const keySet = new Set<string>(SECRET_KEYS);
const isSecretKey = (key: string) => keySet.has(key.toLowerCase());
const keys = SECRET_KEYS.map((k) => k.replace(/[-_]/g, '[-_]?')).join('|');
// OAuth's authorization code is a secret in a URL; `code` elsewhere is an error code, kept.
const queryKeys = `${keys}|code`;

const TEXT_RULES: [RegExp, string][] = [
  // Authorization: Bearer xxx / Basic xxx
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  // "key": "value" in JSON text
  [new RegExp(`("(?:${keys})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // user:password@ in URLs (a mirror or proxy URL with credentials)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, `$1${REDACTED}@`],
  // key=value in query strings, form bodies and cookies
  [new RegExp(`\\b(${queryKeys})=[^&\\s;,"']+`, 'gi'), `$1=${REDACTED}`],
  // Header lines: "Authorization: …", "Cookie: …"
  [new RegExp(`\\b(${SECRET_HEADERS.join('|')}):\\s*[^\\n]+`, 'gi'), `$1: ${REDACTED}`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` with secret keys' values replaced and every string passed through redactText. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = isSecretKey(k) ? REDACTED : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
