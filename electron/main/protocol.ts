/**
 * The `atelier:` scheme: `atelier://app/…` serves the built renderer (never file://), and
 * `atelier://image/<id>[?max=N]` / `atelier://thumb/<id>` serve stored images from the history (at
 * display size with max), so images never cross IPC as Base64.
 */
import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine } from '../engine/engine';
import { displayImage, parseMax } from '../engine/api/display-image';
import { CONTENT_SECURITY_POLICY } from './security';

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'atelier', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleAtelierProtocol(engine: Engine, rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle('atelier', async (request) => {
    const url = new URL(request.url);
    try {
      if (url.host === 'image' || url.host === 'thumb') {
        const id = Number(url.pathname.slice(1));
        if (!Number.isInteger(id) || id <= 0) return new Response('bad id', { status: 400 });
        if (url.host === 'thumb') {
          return new Response(new Uint8Array(engine.store.thumbnail(id)), {
            headers: { 'Content-Type': 'image/webp' },
          });
        }
        const image = await displayImage(engine.store, id, parseMax(url.searchParams.get('max')));
        return new Response(new Uint8Array(image.bytes), { headers: { 'Content-Type': image.mime } });
      }
      if (url.host === 'app') {
        const file = path.resolve(
          root,
          `.${decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)}`,
        );
        if (!file.startsWith(root + path.sep)) return new Response('not found', { status: 404 });
        const response = await net.fetch(pathToFileURL(file).toString());
        const headers = new Headers(response.headers);
        headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        headers.set('X-Content-Type-Options', 'nosniff');
        return new Response(response.body, { status: response.status, headers });
      }
      return new Response('not found', { status: 404 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
