/**
 * Test-only: a real Ed25519 key pair that signs balance statements the way the license server does, for
 * tests of the wallet and the verifier that do not need a whole server. Not imported by product code.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { PinnedKey, SignedStatement } from '../account/statement';

export interface StatementFields {
  accountId: string;
  balance: number;
  seq: number;
  issuedAt?: string;
  validUntil?: string;
}

export function testSigner(keyId = 'test-key') {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const pinned: PinnedKey = { keyId, publicKey: raw.toString('base64') };
  const issueRaw = (payload: Record<string, unknown>): SignedStatement => {
    const bytes = Buffer.from(JSON.stringify(payload));
    return {
      payload: bytes.toString('base64url'),
      signature: sign(null, bytes, privateKey).toString('base64url'),
      keyId,
    };
  };
  const issue = (f: StatementFields): SignedStatement => {
    const issuedAt = f.issuedAt ?? new Date().toISOString();
    const validUntil = f.validUntil ?? new Date(Date.parse(issuedAt) + 72 * 3600_000).toISOString();
    return issueRaw({ accountId: f.accountId, balance: f.balance, seq: f.seq, issuedAt, validUntil });
  };
  return { pinned, issue, issueRaw };
}
