/**
 * OAuth 2.0 authorization code with PKCE for native apps (RFC 8252, RFC 7636): a server-rendered
 * sign-in page, redirects only to loopback URIs (127.0.0.1 / [::1], any port), S256 challenges only,
 * single-use codes that live 5 minutes, rotating refresh tokens.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db';
import { pkceChallenge, randomToken, sha256 } from '../crypto';
import { HttpError } from '../http-error';
import { signInRouteLimit, type EmailLimits } from '../rate-limits';
import { issueTokens, revokeFamily, revokeRefreshFamily, rotateRefreshToken } from '../sessions';
import { checkCredentials } from './auth';

export const CLIENT_ID = 'atelier-desktop';

interface AuthorizeQuery {
  response_type: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  code_challenge_method: string;
  state: string;
}

const authorizeFields = [
  'response_type',
  'client_id',
  'redirect_uri',
  'code_challenge',
  'code_challenge_method',
  'state',
] as const;

const authorizeSchema = {
  type: 'object',
  required: [...authorizeFields],
  properties: {
    response_type: { type: 'string', maxLength: 20 },
    client_id: { type: 'string', maxLength: 100 },
    redirect_uri: { type: 'string', maxLength: 500 },
    code_challenge: { type: 'string', minLength: 43, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' },
    code_challenge_method: { type: 'string', maxLength: 10 },
    state: { type: 'string', minLength: 8, maxLength: 500 },
  },
} as const;

/** RFC 8252 §7.3: loopback IP literal, any port, http. Nothing else may receive a code. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (
      url.protocol === 'http:' &&
      (url.hostname === '127.0.0.1' || url.hostname === '[::1]') &&
      !url.username &&
      !url.password
    );
  } catch {
    return false;
  }
}

function checkAuthorizeRequest(q: AuthorizeQuery): void {
  if (q.client_id !== CLIENT_ID) throw new HttpError(400, 'invalid_client', 'Unknown client_id', 'client_id');
  if (!isLoopbackRedirect(q.redirect_uri)) {
    throw new HttpError(
      400,
      'invalid_request',
      'redirect_uri must be a loopback address (http://127.0.0.1:PORT/…)',
      'redirect_uri',
    );
  }
  if (q.response_type !== 'code')
    throw new HttpError(400, 'unsupported_response_type', 'Only response_type=code', 'response_type');
  if (q.code_challenge_method !== 'S256') {
    throw new HttpError(400, 'invalid_request', 'Only code_challenge_method=S256', 'code_challenge_method');
  }
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function signInPage(q: AuthorizeQuery, error?: string): string {
  const hidden = authorizeFields
    .map((f) => `<input type="hidden" name="${f}" value="${escape(q[f])}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Atelier</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; }
  form { width: 320px; display: grid; gap: 12px; padding: 32px; border-radius: 12px; border: 1px solid #8884; }
  h1 { font-size: 20px; margin: 0 0 8px; } label { display: grid; gap: 4px; font-size: 13px; }
  input[type=email], input[type=password] { padding: 8px 10px; border-radius: 6px; border: 1px solid #8886; font: inherit; }
  button { padding: 10px; border: 0; border-radius: 6px; background: #4f46e5; color: white; font: inherit; cursor: pointer; }
  .error { color: #dc2626; font-size: 13px; margin: 0; }
</style></head>
<body><form method="post" action="/oauth/authorize">
      <h1>Sign in to Atelier</h1>
      ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
      <label>Email <input type="email" name="email" autocomplete="username" required autofocus></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      ${hidden}
      <button type="submit">Sign in</button>
</form></body></html>`;
}

export async function oauthRoutes(
  app: FastifyInstance,
  { config, db, limits }: { config: ServerConfig; db: Db; limits: EmailLimits },
): Promise<void> {
  app.get<{ Querystring: AuthorizeQuery }>(
    '/oauth/authorize',
    { schema: { querystring: authorizeSchema } },
    async (req, reply) => {
      checkAuthorizeRequest(req.query);
      return reply.type('text/html; charset=utf-8').send(signInPage(req.query));
    },
  );

  app.post<{ Body: AuthorizeQuery & { email: string; password: string } }>(
    '/oauth/authorize',
    {
      schema: {
        body: {
          ...authorizeSchema,
          required: [...authorizeFields, 'email', 'password'],
          properties: {
            ...authorizeSchema.properties,
            email: { type: 'string', maxLength: 254 },
            password: { type: 'string', maxLength: 200 },
          },
        },
      },
      config: signInRouteLimit,
    },
    async (req, reply: FastifyReply) => {
      checkAuthorizeRequest(req.body);
      await limits.signIn(req);
      let account: { id: string; email: string };
      try {
        account = await checkCredentials(db, req.body.email, req.body.password);
      } catch (error) {
        if (error instanceof HttpError) {
          return reply
            .status(401)
            .type('text/html; charset=utf-8')
            .send(signInPage(req.body, 'Wrong email or password.'));
        }
        throw error;
      }
      const code = randomToken();
      await db.query(
        `INSERT INTO auth_codes(code_hash, account_id, client_id, redirect_uri, code_challenge, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + interval '5 minutes')`,
        [sha256(code), account.id, req.body.client_id, req.body.redirect_uri, req.body.code_challenge],
      );
      const target = new URL(req.body.redirect_uri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', req.body.state);
      return reply.redirect(target.toString(), 302);
    },
  );

  app.post<{ Body: Record<string, string> }>(
    '/oauth/token',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['grant_type', 'client_id'],
          properties: {
            grant_type: { type: 'string', enum: ['authorization_code', 'refresh_token'] },
            client_id: { type: 'string', maxLength: 100 },
            code: { type: 'string', maxLength: 200 },
            redirect_uri: { type: 'string', maxLength: 500 },
            code_verifier: { type: 'string', minLength: 43, maxLength: 128 },
            refresh_token: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.client_id !== CLIENT_ID)
        throw new HttpError(400, 'invalid_client', 'Unknown client_id', 'client_id');
      if (b.grant_type === 'refresh_token') {
        if (!b.refresh_token)
          throw new HttpError(400, 'invalid_request', 'refresh_token is required', 'refresh_token');
        return rotateRefreshToken(db, config, b.refresh_token);
      }
      if (!b.code || !b.code_verifier || !b.redirect_uri) {
        throw new HttpError(400, 'invalid_request', 'code, code_verifier and redirect_uri are required');
      }
      const { code, code_verifier: verifier, redirect_uri: redirectUri } = b;
      const outcome = await db.transaction(async (tx) => {
        const [row] = await tx.query<{
          account_id: string;
          client_id: string;
          redirect_uri: string;
          code_challenge: string;
          used_at: unknown;
          family_id: string | null;
          expired: boolean;
          email: string | null;
        }>(
          `SELECT c.account_id, c.client_id, c.redirect_uri, c.code_challenge, c.used_at, c.family_id,
                  c.expires_at < now() AS expired, a.email
             FROM auth_codes c JOIN accounts a ON a.id = c.account_id WHERE c.code_hash = $1 FOR UPDATE OF c`,
          [sha256(code)],
        );
        if (row?.used_at) {
          // RFC 6749 §4.1.2: a code presented twice was intercepted; what it granted is revoked, and
          // committed (returned, not thrown, so the transaction keeps the revocation).
          if (row.family_id) await revokeFamily(tx, row.family_id);
          return { error: 'The code was already used; the sign-in it started has been revoked' };
        }
        if (!row || row.expired || !row.email) return { error: 'The code is invalid, used or expired' };
        if (row.client_id !== b.client_id || row.redirect_uri !== redirectUri)
          return { error: 'redirect_uri does not match the authorization request' };
        if (pkceChallenge(verifier) !== row.code_challenge) return { error: 'PKCE verification failed' };
        const familyId = randomUUID();
        await tx.query('UPDATE auth_codes SET used_at = now(), family_id = $2 WHERE code_hash = $1', [
          sha256(code),
          familyId,
        ]);
        return { tokens: await issueTokens(tx, config, { id: row.account_id, email: row.email }, familyId) };
      });
      if ('tokens' in outcome) return outcome.tokens;
      throw new HttpError(400, 'invalid_grant', outcome.error);
    },
  );

  app.post<{ Body: { token: string } }>(
    '/oauth/revoke',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['token'],
          properties: { token: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (req) => {
      // RFC 7009: the answer is the same whether or not the token was known.
      await revokeRefreshFamily(db, req.body.token);
      return { revoked: true };
    },
  );
}
