/**
 * The loopback redirect listener for sign-in (RFC 8252 §7.3): an HTTP server on 127.0.0.1 with a port the
 * OS picks, waiting for the one `/callback?code=…&state=…` redirect from the system browser. A wrong
 * `state` is refused (it could be a forged request from another page), and the listener closes after the
 * first valid answer or when the caller gives up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtelierError } from '../errors';
import { requestUrl } from '../request-target';

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`, to send as redirect_uri. */
  redirectUri: string;
  /** The authorization code, once the browser comes back with the expected state. */
  code: Promise<string>;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family:system-ui;margin:4rem"><h1>${title}</h1><p>${body}</p></body>`;

export async function startLoopbackListener(options: {
  state: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<LoopbackListener> {
  let settle!: { resolve: (code: string) => void; reject: (e: AtelierError) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // The caller may close before awaiting `code`: keep an unobserved rejection from crashing the process.
  code.catch(() => {});
  let done = false;
  const finish = (outcome: { code: string } | { error: AtelierError }) => {
    if (done) return;
    done = true;
    if ('code' in outcome) settle.resolve(outcome.code);
    else settle.reject(outcome.error);
  };

  const server = http.createServer((req, res) => {
    // Any web page can send this server a malformed target (`//[x`): a 404, never a throw in the host.
    const url = requestUrl(req.url, 'http://127.0.0.1');
    if (req.method !== 'GET' || url?.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const send = (status: number, title: string, body: string) =>
      res
        .writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
        .end(page(title, body));
    if (url.searchParams.get('state') !== options.state) {
      // Not ours (stale tab or a forged request): answer, but keep waiting for the real redirect.
      send(
        400,
        'Sign-in link expired',
        'This sign-in page is out of date. Start the sign-in again from Atelier.',
      );
      return;
    }
    const error = url.searchParams.get('error');
    const authCode = url.searchParams.get('code');
    if (error || !authCode) {
      send(400, 'Sign-in failed', 'Return to Atelier and try again.');
      finish({
        error: new AtelierError(
          'AUTH',
          `Sign-in was refused by the server (${error ?? 'no code in redirect'})`,
          {
            hint: 'start the sign-in again',
          },
        ),
      });
      return;
    }
    send(200, 'Signed in to Atelier', 'You can close this tab and return to Atelier.');
    finish({ code: authCode });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const timer = setTimeout(
    () =>
      finish({
        error: new AtelierError(
          'AUTH',
          `Sign-in was not completed within ${Math.round(timeoutMs / 1000)} s`,
          {
            hint: 'run the sign-in again and finish it in the browser window that opens',
          },
        ),
      }),
    timeoutMs,
  );
  const onAbort = () =>
    finish({
      error: new AtelierError('CANCELLED', 'Sign-in was cancelled', { hint: 'start it again when ready' }),
    });
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const close = async () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    finish({
      error: new AtelierError('CANCELLED', 'Sign-in listener closed', { hint: 'start the sign-in again' }),
    });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { redirectUri: `http://127.0.0.1:${port}/callback`, code, close };
}
