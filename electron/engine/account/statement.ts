/**
 * Signed balance statements. The balance the app may spend is never read from its own SQLite file: it is
 * the last statement the license server signed with Ed25519, verified against the public key pinned in
 * the app's config (not a key fetched at run time, which a hostile network could swap).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AtelierError } from '../errors';

export const signedStatementSchema = z.object({
  payload: z.string().min(1),
  signature: z.string().min(1),
  keyId: z.string().min(1),
});
export type SignedStatement = z.infer<typeof signedStatementSchema>;

const payloadSchema = z.object({
  accountId: z.string().min(1),
  balance: z.number().int(),
  seq: z.number().int().nonnegative(),
  issuedAt: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }),
});

/** A statement whose signature, account and sequence number have been checked. */
export interface VerifiedStatement {
  accountId: string;
  balance: number;
  seq: number;
  issuedAt: Date;
  validUntil: Date;
  /** The signed form, kept so it can be stored and re-verified later. */
  signed: SignedStatement;
}

/**
 * A server signing key pinned in config: the base64 of the 32-byte raw Ed25519 key, and optionally the
 * key id it must be announced with (without one, the key is tried whatever id the statement names).
 */
export interface PinnedKey {
  keyId?: string;
  publicKey: string;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Turns a base64 raw 32-byte Ed25519 public key into a KeyObject, or says which field is wrong. */
export function ed25519PublicKey(base64: string, field = 'publicKey'): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) {
    throw new AtelierError(
      'AUTH',
      `The license server's public key (${field}) is not a 32-byte Ed25519 key`,
      {
        hint: 'check the server public key in the app config (base64 of the raw key)',
      },
    );
  }
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rejected(message: string): AtelierError {
  return new AtelierError('AUTH', message, {
    hint: 'the answer was not accepted; sync again later, and if it persists check the server URL and key in config',
  });
}

export interface VerifyExpectations {
  /** The account the statement must be about. */
  accountId: string;
  /** The sequence number of the last statement already accepted for that account (replays are refused). */
  minSeq?: number;
}

/**
 * Verifies a statement: signature by a pinned key over the payload bytes, the expected account, and a
 * sequence number not older than the last one accepted (an equal seq is the same ledger state, accepted).
 */
export function verifyStatement(
  signed: unknown,
  pinned: readonly PinnedKey[],
  expect: VerifyExpectations,
): VerifiedStatement {
  const parsed = signedStatementSchema.safeParse(signed);
  if (!parsed.success) throw rejected('The balance statement from the server is malformed (statement)');
  const statement = parsed.data;
  const keys = pinned.filter((k) => k.keyId === undefined || k.keyId === statement.keyId);
  if (keys.length === 0) {
    throw rejected(`The balance statement is signed with an unknown key (keyId "${statement.keyId}")`);
  }
  const payloadBytes = Buffer.from(statement.payload, 'base64url');
  const signature = Buffer.from(statement.signature, 'base64url');
  const ok =
    signature.length === 64 &&
    keys.some((k) => verify(null, payloadBytes, ed25519PublicKey(k.publicKey), signature));
  if (!ok) throw rejected('The balance statement has a bad signature (statement.signature)');
  let json: unknown;
  try {
    json = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    throw rejected('The balance statement payload is not JSON (statement.payload)');
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) throw rejected('The balance statement payload is malformed (statement.payload)');
  const p = payload.data;
  if (p.accountId !== expect.accountId) {
    throw rejected(
      `The balance statement is for another account (${p.accountId}, expected ${expect.accountId})`,
    );
  }
  if (expect.minSeq !== undefined && p.seq < expect.minSeq) {
    throw rejected(
      `The balance statement is older than the one already held (seq ${p.seq} < ${expect.minSeq})`,
    );
  }
  return {
    accountId: p.accountId,
    balance: p.balance,
    seq: p.seq,
    issuedAt: new Date(p.issuedAt),
    validUntil: new Date(p.validUntil),
    signed: statement,
  };
}
