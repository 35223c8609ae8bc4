/**
 * How a request to `atelier serve` proves it holds the token, without a cookie (a cookie of 127.0.0.1
 * goes to every local port): a Bearer header, a WebSocket subprotocol `atelier-token.<token>` (browsers
 * cannot set headers on a WebSocket), or, for image routes shown in <img> tags, an image grant: an HMAC
 * of the current hour keyed by the token. A grant only reads images and expires within two hours, so an
 * image URL that ends up somewhere (a copied link, a screenshot of devtools) never opens the API.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The subprotocol the server selects; the token rides in a second one the client offers. */
export const API_SUBPROTOCOL = 'atelier';
const TOKEN_SUBPROTOCOL_PREFIX = 'atelier-token.';
const GRANT_WINDOW_MS = 60 * 60 * 1000;

export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents in its Authorization header or WebSocket subprotocols, or ''. */
export function presentedToken(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const protocols = req.headers['sec-websocket-protocol'];
  for (const p of (protocols ?? '').split(',')) {
    const value = p.trim();
    if (value.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return value.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  }
  return '';
}

function grantFor(token: string, window: number): string {
  return createHmac('sha256', token).update(`atelier-image-grant:${window}`).digest('base64url');
}

/** The image grant for now, and until when the page may use it before asking for the next one. */
export function imageGrant(token: string, now = Date.now()): { grant: string; renewAt: number } {
  const window = Math.floor(now / GRANT_WINDOW_MS);
  return { grant: grantFor(token, window), renewAt: (window + 1) * GRANT_WINDOW_MS };
}

/** A grant of this hour or the previous one (so an image rendered just before the hour still loads). */
export function imageGrantValid(token: string, grant: string, now = Date.now()): boolean {
  const window = Math.floor(now / GRANT_WINDOW_MS);
  return sameSecret(grant, grantFor(token, window)) || sameSecret(grant, grantFor(token, window - 1));
}
