/**
 * Password hashing (scrypt with a per-user salt), token hashing, HMAC access tokens and Ed25519-signed
 * balance statements. Nothing secret is stored or logged in clear: refresh tokens and auth codes are
 * kept only as sha256 hashes.
 */
import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  createHash,
  createHmac,
  randomBytes,
  scrypt,
  sign,
  timingSafeEqual,
  createPublicKey,
  type KeyObject,
} from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash to compare against when the email is unknown, so both paths cost the same time. */
let dummyHash: Promise<string> | undefined;
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  dummyHash ??= hashPassword('not a password');
  const [, , saltB64, keyB64] = (stored ?? (await dummyHash)).split('$');
  const key = await scryptAsync(password, Buffer.from(saltB64 ?? '', 'base64'));
  const expected = Buffer.from(keyB64 ?? '', 'base64');
  return stored !== null && expected.length === key.length && timingSafeEqual(expected, key);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface AccessClaims {
  sub: string;
  exp: number;
  /** The refresh-token family (sign-in) it was issued from: revoking the family ends it too. */
  fam?: string;
}

/** `base64url(claims).base64url(hmac)`: short-lived, verified without a database round trip. */
export function signAccessToken(claims: AccessClaims, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function verifyAccessToken(token: string, secret: Buffer, now = Date.now()): AccessClaims | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac) return undefined;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as AccessClaims;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp * 1000 < now)
      return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

export interface StatementPayload {
  accountId: string;
  balance: number;
  seq: number;
  issuedAt: string;
  validUntil: string;
}

export interface SignedStatement {
  payload: string;
  signature: string;
  keyId: string;
}

/** Signs the exact payload bytes, so clients verify without any JSON canonicalisation. */
export function signStatement(payload: StatementPayload, key: KeyObject, keyId: string): SignedStatement {
  const bytes = Buffer.from(JSON.stringify(payload));
  return {
    payload: bytes.toString('base64url'),
    signature: sign(null, bytes, key).toString('base64url'),
    keyId,
  };
}

/** The raw 32-byte public key, base64, as published in /.well-known/atelier-keys.json. */
export function rawPublicKey(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/** PKCE S256: base64url(sha256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sealKey(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, 'atelier-refresh-successor', 'aes-256-gcm', 32));
}

/** Encrypts `secret` so that only the holder of `token` can read it back (AES-256-GCM, HKDF key). */
export function sealWith(token: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(token), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unsealWith(token: string, sealed: string): string | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(token), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
