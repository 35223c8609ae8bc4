/**
 * `atelier serve`: the engine and the built renderer over loopback HTTP + WebSocket, for the UI in any
 * browser (how the UI is tested end to end) and for designers' automation. Only 127.0.0.1, a random
 * token, a Host check against DNS rebinding and an Origin check on every state-changing request.
 *
 * The token never travels in a cookie: browsers send a cookie of 127.0.0.1 to every port of that host,
 * so any other local web server the user visits would receive it. The printed URL carries it in the
 * fragment; the page keeps it in sessionStorage and presents it as a Bearer header (HTTP), a WebSocket
 * subprotocol (the browser cannot set headers there), or, for <img> tags, as a short-lived read-only
 * image grant derived from it (see serve-auth.ts).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { AtelierError, serializeError } from './errors';
import type { Engine } from './engine';
import { createHandlers } from './api/handlers';
import { attachApi, broadcast } from './api/ws-adapter';
import { displayImage, parseMax } from './api/display-image';
import { FilesFacade } from './api/files-facade';
import { SettingsFacade } from './api/settings-facade';
import { Staging } from './api/staging';
import { API_SUBPROTOCOL, imageGrant, imageGrantValid, presentedToken, sameSecret } from './serve-auth';
import { isUnexpected } from './log/error-sink';
import { loggedTarget, requestUrl } from './request-target';

export interface ServeOptions {
  engine: Engine;
  port?: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  version: string;
  token?: string;
}

export interface Serving {
  url: string;
  /** The URL with the token in its fragment (never sent to the server, never in a cookie), to open once. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** The cookie older versions set; cleared when a browser still sends it. */
const OLD_COOKIE = 'atelier_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startServe(options: ServeOptions): Promise<Serving> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { engine } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    // A browser offers [atelier, atelier-token.<token>]; answering with the plain one keeps the token out
    // of the response. Clients that authenticate with a header offer none.
    handleProtocols: (offered) => (offered.has(API_SUBPROTOCOL) ? API_SUBPROTOCOL : false),
  });
  const settings = new SettingsFacade(engine);
  const files = new FilesFacade(engine, () => settings.get().outputDir);
  const staging = new Staging(engine.paths.root);
  const table = createHandlers({
    engine,
    files,
    staging,
    version: options.version,
    emit: (event, payload) => broadcast(wss, event, payload),
  });
  attachApi(wss, table);

  let origin = '';
  const allowedHosts = new Set<string>();

  const authorized = (req: IncomingMessage): boolean => sameSecret(presentedToken(req), token);
  // Browsers always send Origin on WebSocket and cross-site POSTs; a missing Origin is a non-browser client.
  const originOk = (req: IncomingMessage): boolean => !req.headers.origin || req.headers.origin === origin;
  const hostOk = (req: IncomingMessage): boolean => allowedHosts.has(req.headers.host ?? '');

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (isUnexpected(error)) engine.log.unexpected(error, `serve ${loggedTarget(req.method, req.url)}`);
      sendError(res, error);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res, origin);
    if (!hostOk(req))
      return sendJson(res, 421, { error: { code: 'USAGE', message: 'Unexpected Host header' } });
    const url = requestUrl(req.url, origin);
    if (!url) return sendJson(res, 400, { error: { code: 'USAGE', message: 'Malformed request URL' } });
    // localhost:PORT is the same server: send it to the one origin the page, its Origin check and its
    // sessionStorage use (the #token fragment survives a redirect).
    if (req.headers.host !== new URL(origin).host) {
      res.writeHead(308, { Location: `${origin}${req.url ?? '/'}` });
      res.end();
      return;
    }

    if (hasCookie(req.headers.cookie, OLD_COOKIE)) {
      res.setHeader('Set-Cookie', `${OLD_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
    }

    // The page checks its token here (a wrong or old one shows a friendly page) and gets its image grant.
    if (url.pathname === '/session' && req.method === 'GET') {
      if (!authorized(req))
        return sendJson(res, 401, { error: { code: 'AUTH', message: 'Wrong or expired access key' } });
      return sendJson(res, 200, imageGrant(token));
    }

    const image = /^\/(image|thumb)\/(\d+)$/.exec(url.pathname);
    if (image && req.method === 'GET') {
      if (!authorized(req) && !imageGrantValid(token, url.searchParams.get('grant') ?? ''))
        return sendJson(res, 401, { error: { code: 'AUTH', message: 'Not authorized' } });
      const id = Number(image[2]);
      if (image[1] === 'thumb') {
        return sendBytes(res, 'image/webp', engine.store.thumbnail(id));
      }
      const shown = await displayImage(engine.store, id, parseMax(url.searchParams.get('max')));
      return sendBytes(res, shown.mime, shown.bytes);
    }

    const download = /^\/download\/([0-9a-f-]{36})\/[^/]*$/.exec(url.pathname);
    if (download?.[1] && req.method === 'GET') {
      if (!authorized(req)) return sendJson(res, 401, { error: { code: 'AUTH', message: 'Not authorized' } });
      return sendDownload(res, engine, files, download[1]);
    }

    if (url.pathname === '/upload') {
      if (req.method !== 'POST')
        return sendJson(res, 405, { error: { code: 'USAGE', message: 'POST only' } });
      if (!authorized(req) || !originOk(req)) {
        return sendJson(res, 403, { error: { code: 'AUTH', message: 'Not authorized' } });
      }
      const name = url.searchParams.get('name') ?? 'image';
      const bytes = await readBody(req, MAX_UPLOAD_BYTES, name);
      return sendJson(res, 200, { path: staging.stage(name, bytes) });
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: { code: 'USAGE', message: 'Method not allowed' } });
    }
    return serveStatic(res, options.rendererDir, url.pathname);
  }

  server.on('upgrade', (req, socket, head) => {
    // Runs outside any handler's catch: a throw here would take the whole server down.
    const url = requestUrl(req.url, origin);
    if (url?.pathname !== '/api' || !hostOk(req) || !originOk(req) || !authorized(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts.add(`127.0.0.1:${port}`);
  allowedHosts.add(`localhost:${port}`);

  return {
    url: `${origin}/`,
    openUrl: `${origin}/#token=${token}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        files.discardPending();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function securityHeaders(res: ServerResponse, origin: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' blob: data:",
      `connect-src 'self' ${origin.replace('http:', 'ws:')}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; '),
  );
}

function serveStatic(res: ServerResponse, root: string, pathname: string): void {
  const rootDir = path.resolve(root);
  let file = path.resolve(rootDir, `.${decodeURIComponent(pathname)}`);
  if (!file.startsWith(rootDir + path.sep) && file !== rootDir) {
    return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(rootDir, 'index.html');
  if (!existsSync(file)) {
    return sendJson(res, 404, {
      error: { code: 'NOT_FOUND', message: `The UI is not built (${rootDir})`, hint: 'run `npm run build`' },
    });
  }
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  });
  pipeline(createReadStream(file), res, () => {}); // a client that hangs up early closes the file too
}

function sendBytes(res: ServerResponse, mime: string, bytes: Buffer): void {
  res.writeHead(200, {
    'Content-Type': mime,
    'Content-Length': bytes.length,
    'Cache-Control': 'private, max-age=86400',
  });
  res.end(bytes);
}

/** A saved image or an export as an attachment, under the name the user will see in Downloads. */
async function sendDownload(
  res: ServerResponse,
  engine: Engine,
  files: FilesFacade,
  id: string,
): Promise<void> {
  const download = files.take(id);
  if (!download)
    return sendJson(res, 404, {
      error: { code: 'NOT_FOUND', message: 'This download has expired', hint: 'save or export again' },
    });
  const disposition = `attachment; filename="${download.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(download.name)}`;
  if (download.kind === 'image') {
    // Decoded in the pool (tens of MB of Base64 for a 24 MP result), not on the thread serving the UI.
    const image = await engine.store.loadImage(download.imageId);
    res.writeHead(200, {
      'Content-Type': image.mime,
      'Content-Length': image.bytes.length,
      'Content-Disposition': disposition,
      'Cache-Control': 'no-store',
    });
    res.end(image.bytes);
    return;
  }
  res.writeHead(200, {
    'Content-Type': download.mime,
    'Content-Length': statSync(download.file).size,
    'Content-Disposition': disposition,
    'Cache-Control': 'no-store',
  });
  // pipeline() destroys the file stream when the client hangs up first (pipe() left it paused, open and
  // in temp forever); the folder goes once the file is closed (Windows cannot remove an open file).
  const stream = createReadStream(download.file);
  stream.once('close', () => FilesFacade.discard(download));
  res.once('close', () => stream.destroy());
  pipeline(stream, res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
      engine.log.warn(`serve: sending download ${download.name} failed`, error);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: unknown): void {
  const e = serializeError(error);
  const status =
    e.code === 'NOT_FOUND' ? 404 : e.code === 'USAGE' || e.code === 'TOO_MANY_PIXELS' ? 400 : 500;
  if (!res.headersSent) sendJson(res, status, { error: e });
  else res.end();
}

function readBody(req: IncomingMessage, limit: number, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(
          new AtelierError('USAGE', `Upload too large: ${name}`, {
            hint: `files up to ${limit / 1024 / 1024} MB`,
          }),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that hangs up mid-upload is not a bug: no stack in the log for it.
    req.on('error', (cause) =>
      reject(new AtelierError('CANCELLED', `Upload of ${name} was interrupted`, { cause })),
    );
  });
}

function hasCookie(header: string | undefined, name: string): boolean {
  return (header ?? '').split(';').some((part) => part.trim().startsWith(`${name}=`));
}
