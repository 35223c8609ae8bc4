/**
 * The bearer-token guard shared by the routes. It lives apart from app.ts so routes depend on it
 * and app.ts depends on the routes, with no cycle between them.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerConfig } from './config';
import type { Db } from './db';
import { verifyAccessToken } from './crypto';
import { HttpError } from './http-error';
import { familyAlive } from './sessions';

/** The signed-in account of a request, or a 401. */
export async function requireAccount(req: FastifyRequest, config: ServerConfig, db: Db): Promise<string> {
  const header = req.headers.authorization;
  const claims = header?.startsWith('Bearer ')
    ? verifyAccessToken(header.slice(7), config.tokenSecret)
    : undefined;
  if (!claims) throw new HttpError(401, 'invalid_token', 'Missing, expired or invalid access token');
  const [row] = await db.query<{ deleted_at: unknown }>('SELECT deleted_at FROM accounts WHERE id = $1', [
    claims.sub,
  ]);
  if (!row || row.deleted_at) throw new HttpError(401, 'invalid_token', 'This account no longer exists');
  if (claims.fam && !(await familyAlive(db, claims.fam)))
    throw new HttpError(401, 'invalid_token', 'This sign-in was revoked');
  return claims.sub;
}
