/**
 * The URL of a request to one of our loopback servers (serve, the sign-in redirect listener), or null
 * when the request target is garbage. Anyone on the machine, and any web page through a browser, can
 * send one (`//[bad/x` from a page, `http://[bad/x` or `/%E0%A4%A` from curl): it is the client's
 * mistake, answered 400, never a crash or an error entry in the log.
 *
 * Only origin-form targets (`/path?query`) are ours; a target starting with `//` is a path here, not a
 * scheme-relative URL naming another host.
 */
export function requestUrl(target: string | undefined, origin: string): URL | null {
  const raw = target ?? '/';
  if (!raw.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(`${origin}${raw}`);
  } catch {
    return null;
  }
  // Routes decode the path (file names, ids); a malformed escape is refused once, here.
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  return url;
}

/** The request line for a log entry: method and path, never the query string (grants, codes, names). */
export function loggedTarget(method: string | undefined, target: string | undefined): string {
  return `${method ?? ''} ${(target ?? '').split('?')[0]}`.trim();
}
