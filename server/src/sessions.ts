/**
 * Access and refresh tokens. Refresh tokens rotate on every use and are stored hashed; presenting one
 * that was already rotated (a stolen copy being replayed) revokes its whole family.
 */
import { randomUUID } from 'node:crypto';
import type { ServerConfig } from './config';
import type { Db, Queryable } from './db';
import { randomToken, sha256, signAccessToken } from './crypto';
import { HttpError } from './http-error';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  account: { id: string; email: string };
}

export async function issueTokens(
  tx: Queryable,
  config: ServerConfig,
  account: { id: string; email: string },
  familyId: string = randomUUID(),
): Promise<TokenAnswer> {
  const refresh = randomToken();
  await tx.query(
    `INSERT INTO refresh_tokens(token_hash, family_id, account_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`,
    [sha256(refresh), familyId, account.id, config.refreshTokenDays],
  );
  const exp = Math.floor(Date.now() / 1000) + config.accessTokenSeconds;
  return {
    access_token: signAccessToken({ sub: account.id, exp }, config.tokenSecret),
    token_type: 'Bearer',
    expires_in: config.accessTokenSeconds,
    refresh_token: refresh,
    account,
  };
}

export async function rotateRefreshToken(db: Db, config: ServerConfig, token: string): Promise<TokenAnswer> {
  const outcome = await db.transaction(async (tx) => {
    const [row] = await tx.query<{
      family_id: string;
      account_id: string;
      rotated_at: unknown;
      revoked_at: unknown;
      expired: boolean;
      email: string | null;
      deleted_at: unknown;
    }>(
      `SELECT r.family_id, r.account_id, r.rotated_at, r.revoked_at, r.expires_at < now() AS expired, a.email, a.deleted_at
         FROM refresh_tokens r JOIN accounts a ON a.id = r.account_id WHERE r.token_hash = $1 FOR UPDATE OF r`,
      [sha256(token)],
    );
    if (!row) return { error: 'unknown' as const };
    if (row.rotated_at || row.revoked_at) {
      // Reuse of a rotated token: someone else holds a copy. Revoke the family, the user signs in again.
      await tx.query(
        'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
        [row.family_id],
      );
      return { error: 'reused' as const };
    }
    if (row.expired || row.deleted_at || !row.email) return { error: 'expired' as const };
    await tx.query('UPDATE refresh_tokens SET rotated_at = now() WHERE token_hash = $1', [sha256(token)]);
    return { tokens: await issueTokens(tx, config, { id: row.account_id, email: row.email }, row.family_id) };
  });
  if ('tokens' in outcome && outcome.tokens) return outcome.tokens;
  const message =
    outcome.error === 'reused'
      ? 'This refresh token was already used; every session from that sign-in has been revoked'
      : 'The refresh token is invalid or expired';
  throw new HttpError(400, 'invalid_grant', message);
}

export async function revokeRefreshFamily(db: Db, token: string): Promise<void> {
  await db.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
    [sha256(token)],
  );
}
