/**
 * Links from the license server (checkout) reach the OS opener only when they are plain https URLs on
 * the configured server's origin (http only when that server is on loopback, in development), and they
 * are opened without a shell: a URL is one argument, never a command line (`cmd /c start` would run
 * whatever follows an `&`).
 */
import { spawn } from 'node:child_process';
import { AtelierError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A short, printable description of an untrusted URL for an error message. */
function shown(url: string): string {
  return JSON.stringify(url.length > 120 ? `${url.slice(0, 120)}…` : url);
}

/** The URL, normalised, if it may be opened for this license server; else a clear AUTH error. */
export function checkServerLink(url: string, serverOrigin: string): string {
  const server = new URL(serverOrigin);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const schemeOk =
    parsed !== undefined &&
    (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)));
  if (!parsed || !schemeOk || parsed.origin !== server.origin || parsed.username || parsed.password) {
    throw new AtelierError('AUTH', `The license server sent a link Atelier will not open: ${shown(url)}`, {
      hint: `only https links on the configured license server (${server.origin}) are opened; check ATELIER_SERVER_URL`,
    });
  }
  return parsed.href;
}

/** The platform's opener as a program and its arguments (no shell anywhere). */
export function openerCommand(
  href: string,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  if (platform === 'darwin') return ['open', [href]];
  // rundll32 hands the URL to the registered browser as one argument; `cmd /c start` would parse it.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', href]];
  return ['xdg-open', [href]];
}

/** Opens a checked link in the system browser; a missing opener is ignored (the URL is printed). */
export function openInBrowser(href: string): void {
  const [command, args] = openerCommand(href);
  const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, windowsHide: true });
  child.on('error', () => undefined);
  child.unref();
}
