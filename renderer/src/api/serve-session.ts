/**
 * The page's hold on the `atelier serve` token (unused in Electron). The printed URL carries it in the
 * fragment (`#token=…`; `?token=` from older links works too): on first load it moves to sessionStorage
 * and is stripped from the address bar, so it is neither in history nor in a cookie (a cookie of
 * 127.0.0.1 would go to every local port). A token in the URL always wins over a stored one, so the
 * link of a restarted server replaces the old tab's key. Requests present it as a Bearer header, the
 * WebSocket as a subprotocol, and <img> tags use a short-lived read-only image grant.
 */
const STORAGE_KEY = 'atelier.serveToken';

export type SessionState = { ok: true } | { ok: false; reason: 'missing' | 'rejected' | 'unreachable' };

function takeTokenFromAddress(): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  const query = new URLSearchParams(location.search);
  const fromQuery = query.get('token');
  const token = fromHash ?? fromQuery;
  if (!token) return null;
  query.delete('token');
  const rest = query.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  return token;
}

let token = '';
let grant = '';

function load(): string {
  const fresh = takeTokenFromAddress();
  if (fresh) sessionStorage.setItem(STORAGE_KEY, fresh);
  return fresh ?? sessionStorage.getItem(STORAGE_KEY) ?? '';
}

/** Checks the token with the server and keeps the image grant fresh; resolves before the UI renders. */
export async function startServeSession(): Promise<SessionState> {
  // A new link pasted into an open tab changes only the fragment, which reloads nothing: start over.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('token')) location.reload();
  });
  token = load();
  if (!token) return { ok: false, reason: 'missing' };
  const renew = async (): Promise<SessionState> => {
    let res: Response;
    try {
      res = await fetch('/session', { headers: authHeaders() });
    } catch {
      return { ok: false, reason: 'unreachable' };
    }
    if (res.status === 401) {
      sessionStorage.removeItem(STORAGE_KEY);
      return { ok: false, reason: 'rejected' };
    }
    if (!res.ok) return { ok: false, reason: 'unreachable' };
    const body = (await res.json()) as { grant: string; renewAt: number };
    grant = body.grant;
    setTimeout(() => void renew(), Math.max(60_000, body.renewAt - Date.now() - 5 * 60_000));
    return { ok: true };
  };
  return renew();
}

export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The browser WebSocket cannot send headers: the token rides as a second offered subprotocol. */
export function webSocketProtocols(): string[] {
  return token ? ['atelier', `atelier-token.${token}`] : [];
}

/** An image route with the read-only grant, for <img src>. */
export function withImageGrant(url: string): string {
  return grant ? `${url}${url.includes('?') ? '&' : '?'}grant=${encodeURIComponent(grant)}` : url;
}
