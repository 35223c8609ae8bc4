// `npm run dev`: the whole product on this machine. Starts the license server (PGlite, data in .dev/),
// a development stand-in for the website and the payment provider in front of it (sign-up and a test
// checkout with a Pay button), and `atelier serve` pointed at them with the server's public key, on a
// profile of its own (.dev/profile). Prints the URLs; Ctrl-C stops everything.
//
// Ports: ATELIER_DEV_PORT (default 8787) for the license origin the app talks to; the app's own port
// is chosen free. `npm run dev -- --no-browser` prints the URLs instead of opening them.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { inKeyringSession } from './keyring-session.js';

// Signing in keeps a refresh token in the OS keychain: a headless machine gets a keyring session.
inKeyringSession();

const root = path.resolve(import.meta.dirname, '..');
const devDir = path.join(root, '.dev');
const args = process.argv.slice(2);
const noBrowser = args.includes('--no-browser');

function run(cmd, argv) {
  const result = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Development secrets, made once and kept, so sign-ins and statements survive a restart. */
function devSecrets() {
  const file = path.join(devDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    signingKey: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    tokenSecret: randomBytes(32).toString('base64'),
    webhookSecret: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const page = (title, body) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${title}</title><body style="font-family:system-ui;max-width:32rem;margin:48px auto;padding:0 16px;line-height:1.5">` +
  `<p style="color:#a15c00;font-size:.85rem">Development stand-in (npm run dev): no real money, no real website.</p>${body}</body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The license origin the app is given: forwards everything to the license server, and stands in for
 * what lives elsewhere in production: the website's sign-up (/signup) and the payment provider's
 * hosted checkout (/checkout/ID with a Pay button that sends the provider's signed webhook).
 */
function frontDoor(state) {
  const forward = (req, res) => {
    const upstream = http.request(
      `${state.licenseUrl}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(state.licenseUrl).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end('license server unavailable'));
    req.pipe(upstream);
  };
  const json = (pathname, body) =>
    fetch(`${state.licenseUrl}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(body.headers ?? {}) },
      body: body.raw ?? JSON.stringify(body),
    });
  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dev');
    const html = (status, body) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    try {
      if (url.pathname === '/signup' && req.method === 'GET') {
        return html(
          200,
          page(
            'Create an Atelier account',
            `<h1>Create an Atelier account</h1><form method="post" action="/signup">` +
              `<p><label>Email<br><input name="email" type="email" required autocomplete="email" style="width:100%"></label></p>` +
              `<p><label>Password (10 characters or more)<br><input name="password" type="password" required minlength="10" autocomplete="new-password" style="width:100%"></label></p>` +
              `<p><button type="submit">Create account</button></p></form>`,
          ),
        );
      }
      if (url.pathname === '/signup' && req.method === 'POST') {
        const { email, password } = await readForm(req);
        const answer = await json('/v1/auth/register', { email, password });
        if (answer.status !== 201) {
          const problem = await answer.json().catch(() => ({}));
          return html(
            answer.status,
            page(
              'Sign-up failed',
              `<h1>Sign-up failed</h1><p>${escape(problem.message ?? answer.status)}</p><p><a href="/signup">Try again</a></p>`,
            ),
          );
        }
        return html(
          201,
          page(
            'Account created',
            `<h1>Account created</h1><p>${escape(email)} can sign in now: in Atelier, open <b>Account</b> and choose <b>Sign in with your browser</b>.</p>`,
          ),
        );
      }
      const checkout = /^\/checkout\/([\w-]+)$/.exec(url.pathname);
      if (checkout && req.method === 'GET') {
        const upstream = await fetch(`${state.licenseUrl}${url.pathname}`);
        const text = await upstream.text();
        if (!upstream.ok) return html(upstream.status, text);
        const tokens = /<h1>([^<]*)<\/h1>/.exec(text)?.[1] ?? 'Tokens';
        const paid = text.includes('Paid');
        return html(
          200,
          page(
            'Atelier test checkout',
            `<h1>${escape(tokens)}</h1>` +
              (paid
                ? `<p data-paid>Paid — you can return to Atelier.</p>`
                : `<p>A test checkout: paying sends the payment provider's signed notice to the license server.</p>` +
                  `<form method="post" action="${escape(url.pathname)}/pay"><button type="submit">Pay (test)</button></form>`),
          ),
        );
      }
      const pay = /^\/checkout\/([\w-]+)\/pay$/.exec(url.pathname);
      if (pay && req.method === 'POST') {
        const raw = JSON.stringify({
          id: `evt_${randomUUID()}`,
          type: 'checkout.completed',
          data: { checkoutId: pay[1] },
        });
        const t = Math.floor(Date.now() / 1000);
        const signature = `t=${t},v1=${createHmac('sha256', state.webhookSecret).update(`${t}.${raw}`).digest('hex')}`;
        const answer = await json('/v1/webhooks/payment', {
          raw,
          headers: { 'Atelier-Signature': signature },
        });
        if (!answer.ok)
          return html(
            answer.status,
            page('Payment failed', `<h1>Payment failed</h1><p>${escape(await answer.text())}</p>`),
          );
        return res.writeHead(303, { location: `/checkout/${pay[1]}` }).end();
      }
      return forward(req, res);
    } catch (error) {
      html(
        500,
        page(
          'Error',
          `<h1>Something went wrong</h1><p>${escape(error instanceof Error ? error.message : error)}</p>`,
        ),
      );
    }
  });
}

/** Resolves with the first match of `pattern` in a child's output (rejects if it exits first). */
function waitFor(child, what, pattern, echo) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const read = (chunk) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        child.stdout.off('data', read);
        child.stderr.off('data', read);
        resolve(match);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${seen.slice(-3000)}`)));
    if (echo) echo(child);
  });
}

async function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

console.log('== building the engine and the UI');
run('node', ['scripts/build-engine.js']);
run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);

mkdirSync(devDir, { recursive: true });
const secrets = devSecrets();
const state = { licenseUrl: '', webhookSecret: secrets.webhookSecret };
const door = frontDoor(state);
const wanted = Number(process.env.ATELIER_DEV_PORT ?? 8787);
let port;
try {
  port = await listen(door, wanted);
} catch {
  port = await listen(door, 0);
  console.log(
    `port ${wanted} is in use: the license origin is on ${port} this time (sign in again after a restart)`,
  );
}
const origin = `http://127.0.0.1:${port}`;

const children = [];
const stopAll = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  door.close();
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(0);
});

const license = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `pglite:${path.join(devDir, 'license-db')}`,
    ATELIER_SIGNING_KEY: secrets.signingKey,
    ATELIER_TOKEN_SECRET: secrets.tokenSecret,
    ATELIER_WEBHOOK_SECRET: secrets.webhookSecret,
    // Links the server hands out (checkout) point at the front door the app was given.
    ATELIER_PUBLIC_URL: origin,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
children.push(license);
// One log line carries both: {"publicKey":"…",…,"msg":"license endpoint at http://…"}.
const [, publicKey, licenseUrl] = await waitFor(
  license,
  'license server',
  /"publicKey":"([^"]+)".*license endpoint at (http:\/\/[^"\s]+)/,
);
state.licenseUrl = licenseUrl;
// From here only its warnings and errors (pino levels 40 and up) reach the terminal.
const echoProblems = (chunk) => {
  for (const line of chunk.toString().split('\n'))
    if (/"level":(4|5|6)\d/.test(line)) console.error(`license server: ${line}`);
};
license.stdout.on('data', echoProblems);
license.stderr.on('data', echoProblems);

const serve = spawn(
  process.execPath,
  [
    'bin/atelier.js',
    'serve',
    '--profile',
    path.join(devDir, 'profile'),
    ...(noBrowser ? ['--no-browser'] : []),
  ],
  {
    cwd: root,
    env: { ...process.env, ATELIER_SERVER_URL: origin, ATELIER_SERVER_PUBLIC_KEY: publicKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
children.push(serve);
const [, appUrl] = await waitFor(serve, 'atelier serve', /serving at (http:\/\/\S+)/);
serve.stdout.pipe(process.stdout);
serve.stderr.pipe(process.stderr);
serve.once('exit', (code) => {
  console.error(`atelier serve exited (${code}); stopping`);
  stopAll();
  process.exit(code ?? 1);
});

console.log(`
Atelier (development) is running:
  the app         ${appUrl}
  sign up         ${origin}/signup
  license server  ${origin}  (PGlite data in .dev/license-db, profile in .dev/profile)

Create an account at the sign-up page, then in the app: Account ▸ Sign in with your browser. Buying a
pack opens a test checkout with a Pay button (no real money). Ctrl-C stops everything.
`);
