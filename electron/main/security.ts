/**
 * Electron's security checklist, applied in one place: no navigation, no new windows, external links
 * only to allow-listed https hosts, a strict CSP on everything the app serves, permissions denied.
 */
import { app, session, shell, type WebContents } from 'electron';
import { isAllowedExternal, isAppNavigation } from './policy';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' atelier: blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function hardenWebContents(contents: WebContents, licenseServer: () => string | undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url, licenseServer())) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
