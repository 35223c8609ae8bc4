import { describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { verifyStatement } from './statement';
import { testSigner } from '../testing/account-signer';

// A real Ed25519 key pair standing in for the server's signing key (the server test suite covers its own).
function signer(keyId = 'k1') {
  const s = testSigner(keyId);
  return { pinned: s.pinned, issue: s.issueRaw };
}

const payload = (over: Record<string, unknown> = {}) => ({
  accountId: 'acc-1',
  balance: 40,
  seq: 7,
  issuedAt: '2026-11-22T10:00:00.000Z',
  validUntil: '2026-11-25T10:00:00.000Z',
  ...over,
});

function authError(fn: () => unknown): AtelierError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AtelierError);
    expect((e as AtelierError).code).toBe('AUTH');
    return e as AtelierError;
  }
  throw new Error('expected an AUTH error');
}

describe('verifyStatement', () => {
  it('accepts a statement signed by the pinned key and reads its fields', () => {
    const s = signer();
    const v = verifyStatement(s.issue(payload()), [s.pinned], { accountId: 'acc-1', minSeq: 7 });
    expect(v.balance).toBe(40);
    expect(v.seq).toBe(7);
    expect(v.validUntil.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('refuses a tampered payload (balance raised after signing)', () => {
    const s = signer();
    const good = s.issue(payload());
    const forged = Buffer.from(JSON.stringify(payload({ balance: 4000 }))).toString('base64url');
    const e = authError(() =>
      verifyStatement({ ...good, payload: forged }, [s.pinned], { accountId: 'acc-1' }),
    );
    expect(e.message).toMatch(/bad signature/);
  });

  it('refuses a statement signed by another key announcing the pinned key id', () => {
    const pinned = signer('k1');
    const impostor = signer('k1');
    authError(() => verifyStatement(impostor.issue(payload()), [pinned.pinned], { accountId: 'acc-1' }));
  });

  it('refuses an unknown key id, another account and an older sequence number', () => {
    const s = signer('k1');
    const other = signer('k2');
    expect(
      authError(() => verifyStatement(other.issue(payload()), [s.pinned], { accountId: 'acc-1' })).message,
    ).toMatch(/unknown key/);
    expect(
      authError(() =>
        verifyStatement(s.issue(payload({ accountId: 'acc-2' })), [s.pinned], { accountId: 'acc-1' }),
      ).message,
    ).toMatch(/another account/);
    expect(
      authError(() =>
        verifyStatement(s.issue(payload({ seq: 6 })), [s.pinned], { accountId: 'acc-1', minSeq: 7 }),
      ).message,
    ).toMatch(/older/);
  });

  it('refuses garbage: not base64 JSON, missing fields, a truncated signature', () => {
    const s = signer();
    const good = s.issue(payload());
    authError(() => verifyStatement({ payload: good.payload }, [s.pinned], { accountId: 'acc-1' }));
    authError(() =>
      verifyStatement({ ...good, signature: good.signature.slice(0, 20) }, [s.pinned], {
        accountId: 'acc-1',
      }),
    );
    const notJson = s.issue(payload());
    const bytes = Buffer.from('not json');
    authError(() =>
      verifyStatement({ ...notJson, payload: bytes.toString('base64url') }, [s.pinned], {
        accountId: 'acc-1',
      }),
    );
    const { balance: _b, ...noBalance } = payload();
    authError(() => verifyStatement(s.issue(noBalance), [s.pinned], { accountId: 'acc-1' }));
  });

  it('a pinned key without a key id verifies whatever id the statement announces', () => {
    const s = signer('rotated-id');
    const v = verifyStatement(s.issue(payload()), [{ publicKey: s.pinned.publicKey }], {
      accountId: 'acc-1',
    });
    expect(v.signed.keyId).toBe('rotated-id');
  });
});
