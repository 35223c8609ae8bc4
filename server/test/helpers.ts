/**
 * Test helpers: the real server on 127.0.0.1, once per database backend (in-memory PGlite always; a
 * real PostgreSQL when ATELIER_TEST_DATABASE_URL is set, in a fresh schema per run). In CI the
 * PostgreSQL variant is mandatory.
 */
import { randomUUID, createPublicKey, verify } from 'node:crypto';
import { request } from 'node:http';
import { startLicenseServer, type LicenseServer } from '../src/index';

export const PG_URL = process.env.ATELIER_TEST_DATABASE_URL;
if (process.env.CI === 'true' && !PG_URL) {
  throw new Error(
    'CI must run the license server tests against PostgreSQL: set ATELIER_TEST_DATABASE_URL (.ci/run does)',
  );
}
if (!PG_URL)
  console.log('PostgreSQL variant skipped: ATELIER_TEST_DATABASE_URL is not set (PGlite variant runs)');

export const BACKENDS: { name: string; databaseUrl: string | undefined }[] = [
  { name: 'PGlite', databaseUrl: undefined },
  ...(PG_URL ? [{ name: 'PostgreSQL', databaseUrl: PG_URL }] : []),
];

export function start(
  databaseUrl: string | undefined,
  config: Parameters<typeof startLicenseServer>[0] = {},
): Promise<LicenseServer> {
  return startLicenseServer({
    databaseUrl,
    ...(databaseUrl ? { schema: `t_${randomUUID().replace(/-/g, '')}` } : {}),
    ...config,
  });
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

export function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function newUser(
  url: string,
): Promise<{ email: string; password: string; accountId: string; access: string; refresh: string }> {
  const email = `u-${randomUUID()}@example.com`;
  const password = 'correct horse battery staple';
  const reg = await post(url, '/v1/auth/register', { email, password });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`);
  const login = (await (await post(url, '/v1/auth/login', { email, password })).json()) as {
    access_token: string;
    refresh_token: string;
    account: { id: string };
  };
  return {
    email,
    password,
    accountId: login.account.id,
    access: login.access_token,
    refresh: login.refresh_token,
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Verifies a statement the way the desktop client does: Ed25519 over the payload bytes. */
export function verifyStatement(
  statement: { payload: string; signature: string },
  publicKeyBase64: string,
): Record<string, unknown> | undefined {
  const key = createPublicKey({
    key: Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(publicKeyBase64, 'base64'),
    ]),
    format: 'der',
    type: 'spki',
  });
  const bytes = Buffer.from(statement.payload, 'base64url');
  if (!verify(null, bytes, key, Buffer.from(statement.signature, 'base64url'))) return undefined;
  return JSON.parse(bytes.toString()) as Record<string, unknown>;
}

/**
 * A JSON POST sent from another loopback source address (127.0.0.2, 127.0.0.3, …: Linux answers the
 * whole 127/8 on lo), so a test can be "many clients" while the server still listens on 127.0.0.1.
 */
export function postFrom(
  localAddress: string,
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
