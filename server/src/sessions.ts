/**
 * Access and refresh tokens. Refresh tokens rotate on every use and are stored hashed; presenting one
 * that was already rotated (a stolen copy being replayed) revokes its whole family — except within a
 * short grace window right after the rotation, where the same token presented again gets the same
 * new pair (the app and the CLI refreshing at once from one keychain entry must not sign the user out
 * everywhere). Access tokens name their family, so revoking it ends them as well.
 */
import { randomUUID } from 'node:crypto';
import type { ServerConfig } from './config';
import type { Db, Queryable } from './db';
import { randomToken, sealWith, sha256, signAccessToken, unsealWith } from './crypto';
import { HttpError } from './http-error';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  account: { id: string; email: string };
}

function accessAnswer(
  config: ServerConfig,
  account: { id: string; email: string },
  familyId: string,
  refresh: string,
): TokenAnswer {
  const exp = Math.floor(Date.now() / 1000) + config.accessTokenSeconds;
  return {
    access_token: signAccessToken({ sub: account.id, exp, fam: familyId }, config.tokenSecret),
    token_type: 'Bearer',
    expires_in: config.accessTokenSeconds,
    refresh_token: refresh,
    account,
  };
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
  return accessAnswer(config, account, familyId, refresh);
}

export async function revokeFamily(tx: Queryable, familyId: string): Promise<void> {
  await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
  ]);
}

/** The same token presented again within the grace window: its successor, if still the live one. */
async function graceAnswer(
  tx: Queryable,
  config: ServerConfig,
  token: string,
  row: { family_id: string; account_id: string; email: string | null; successor_sealed: string | null },
): Promise<TokenAnswer | undefined> {
  const successor = row.successor_sealed ? unsealWith(token, row.successor_sealed) : undefined;
  if (!successor || !row.email) return undefined;
  const [next] = await tx.query<{ rotated_at: unknown; revoked_at: unknown; expired: boolean }>(
    'SELECT rotated_at, revoked_at, expires_at < now() AS expired FROM refresh_tokens WHERE token_hash = $1',
    [sha256(successor)],
  );
  if (!next || next.rotated_at || next.revoked_at || next.expired) return undefined;
  return accessAnswer(config, { id: row.account_id, email: row.email }, row.family_id, successor);
}

export async function rotateRefreshToken(db: Db, config: ServerConfig, token: string): Promise<TokenAnswer> {
  const outcome = await db.transaction(async (tx) => {
    // FOR UPDATE: two refreshes with one token are serialised; the second sees the first's rotation.
    const [row] = await tx.query<{
      family_id: string;
      account_id: string;
      rotated_at: unknown;
      revoked_at: unknown;
      in_grace: boolean;
      successor_sealed: string | null;
      expired: boolean;
      email: string | null;
      deleted_at: unknown;
    }>(
      `SELECT r.family_id, r.account_id, r.rotated_at, r.revoked_at, r.successor_sealed,
              r.rotated_at > now() - make_interval(secs => $2) AS in_grace,
              r.expires_at < now() AS expired, a.email, a.deleted_at
         FROM refresh_tokens r JOIN accounts a ON a.id = r.account_id WHERE r.token_hash = $1 FOR UPDATE OF r`,
      [sha256(token), config.refreshGraceSeconds],
    );
    if (!row) return { error: 'unknown' as const };
    if (row.rotated_at && !row.revoked_at && row.in_grace && !row.deleted_at) {
      const same = await graceAnswer(tx, config, token, row);
      if (same) return { tokens: same };
    }
    if (row.rotated_at || row.revoked_at) {
      // Reuse of a rotated token: someone else holds a copy. Revoke the family, the user signs in again.
      await revokeFamily(tx, row.family_id);
      return { error: 'reused' as const };
    }
    if (row.expired || row.deleted_at || !row.email) return { error: 'expired' as const };
    const tokens = await issueTokens(tx, config, { id: row.account_id, email: row.email }, row.family_id);
    await tx.query(
      'UPDATE refresh_tokens SET rotated_at = now(), successor_sealed = $2 WHERE token_hash = $1',
      [sha256(token), sealWith(token, tokens.refresh_token)],
    );
    return { tokens };
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

/** Whether a sign-in (refresh-token family) still has a live token: revoked families end access tokens. */
export async function familyAlive(db: Queryable, familyId: string): Promise<boolean> {
  const [row] = await db.query<{ alive: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL) AS alive',
    [familyId],
  );
  return row?.alive === true;
}
