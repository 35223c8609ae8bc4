/**
 * The security decisions of the shell as plain functions (no Electron import), so they are tested in
 * Node: which URLs may open in the system browser, and which frames may call the API.
 */
export const APP_ORIGIN = 'atelier://app';

/** Hosts the app may open in the system browser: our site, and the configured license server. */
export function isAllowedExternal(url: string, licenseServer: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (licenseServer && parsed.origin === new URL(licenseServer).origin) return true;
  return parsed.protocol === 'https:' && ['atelier.app', 'www.atelier.app'].includes(parsed.hostname);
}

/** An IPC message must come from our own page (served through atelier://app), never from elsewhere. */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    return url.protocol === 'atelier:' && url.host === 'app';
  } catch {
    return false;
  }
}

/** Navigation inside the window is allowed only within the app's own pages. */
export function isAppNavigation(url: string): boolean {
  return isTrustedSender(url);
}
