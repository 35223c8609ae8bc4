/**
 * Server configuration from environment variables. Development gets safe defaults and ephemeral
 * secrets (announced at start-up); NODE_ENV=production refuses to start without real ones.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface TokenPack {
  id: string;
  tokens: number;
  priceCents: number;
  currency: string;
}

export interface ServerConfig {
  production: boolean;
  /** Ed25519 key that signs balance statements, and its public id. */
  signingKey: KeyObject;
  keyId: string;
  /** HMAC key of access tokens. */
  tokenSecret: Buffer;
  /** Shared secret of the payment provider's webhooks. */
  webhookSecret: string;
  /**
   * The public origin of this server (ATELIER_PUBLIC_URL), from which links it hands out (checkout) are
   * built. Required in production; in development the address the request arrived on is used, never
   * the Host header (which the caller chooses).
   */
  publicUrl: string | undefined;
  accessTokenSeconds: number;
  refreshTokenDays: number;
  /**
   * How long a just-rotated refresh token, presented again, gets the same new pair instead of revoking
   * its family: the app and the CLI share one keychain entry and may refresh at the same moment.
   */
  refreshGraceSeconds: number;
  statementHours: number;
  deviceLimit: number;
  welcomeCredit: number;
  freeDailyQuota: number;
  prices: Record<string, number>;
  packs: TokenPack[];
  /** Requests per minute per IP (and per account on authenticated routes). */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** Secrets generated for this process only (development): said once at start-up. */
  ephemeral: string[];
}

export class ConfigError extends Error {}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const ephemeral: string[] = [];
  const missing: string[] = [];
  const secret = (name: string, make: () => string): string => {
    const value = env[name];
    if (value) return value;
    if (production) missing.push(name);
    ephemeral.push(name);
    return make();
  };
  const signingPem = secret('ATELIER_SIGNING_KEY', () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  const tokenSecret = secret('ATELIER_TOKEN_SECRET', () => randomBytes(32).toString('base64'));
  const webhookSecret = secret('ATELIER_WEBHOOK_SECRET', () => randomBytes(32).toString('base64'));
  if (missing.length) {
    throw new ConfigError(
      `Missing secrets in production: ${missing.join(', ')} — set them in the environment`,
    );
  }
  const publicUrl = env.ATELIER_PUBLIC_URL;
  if (production && !publicUrl)
    throw new ConfigError('Missing ATELIER_PUBLIC_URL in production: set it to the https origin clients use');
  if (publicUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(publicUrl);
    } catch {
      url = undefined;
    }
    if (!url || (production && url.protocol !== 'https:') || !['https:', 'http:'].includes(url.protocol))
      throw new ConfigError(
        `ATELIER_PUBLIC_URL must be an ${production ? 'https' : 'http(s)'} URL (got "${publicUrl}")`,
      );
  }
  let signingKey: KeyObject;
  try {
    signingKey = createPrivateKey(
      signingPem.includes('BEGIN') ? signingPem : Buffer.from(signingPem, 'base64').toString(),
    );
  } catch {
    throw new ConfigError('ATELIER_SIGNING_KEY is not an Ed25519 private key (PKCS#8 PEM)');
  }
  if (signingKey.asymmetricKeyType !== 'ed25519')
    throw new ConfigError('ATELIER_SIGNING_KEY must be an Ed25519 key');
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError(`${name} must be a non-negative integer (got "${raw}")`);
    return n;
  };
  return {
    production,
    signingKey,
    keyId: env.ATELIER_SIGNING_KEY_ID ?? 'k1',
    tokenSecret: Buffer.from(tokenSecret, 'base64'),
    webhookSecret,
    publicUrl: publicUrl ? new URL(publicUrl).origin : undefined,
    accessTokenSeconds: int('ATELIER_ACCESS_TOKEN_SECONDS', 900),
    refreshTokenDays: int('ATELIER_REFRESH_TOKEN_DAYS', 60),
    refreshGraceSeconds: int('ATELIER_REFRESH_GRACE_SECONDS', 30),
    statementHours: int('ATELIER_STATEMENT_HOURS', 72),
    deviceLimit: int('ATELIER_DEVICE_LIMIT', 5),
    welcomeCredit: int('ATELIER_WELCOME_CREDIT', 0),
    freeDailyQuota: int('ATELIER_FREE_DAILY_QUOTA', 10),
    prices: { cutout: 1, background: 1, stylize: 2, compose: 2 },
    packs: [
      { id: 'starter', tokens: 100, priceCents: 500, currency: 'EUR' },
      { id: 'studio', tokens: 500, priceCents: 2000, currency: 'EUR' },
      { id: 'agency', tokens: 2500, priceCents: 8000, currency: 'EUR' },
    ],
    rateLimitPerMinute: int('ATELIER_RATE_LIMIT', 600),
    bodyLimitBytes: 64 * 1024,
    ephemeral,
    ...overrides,
  };
}
