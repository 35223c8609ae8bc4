/**
 * Rate limits of the sign-in paths. Every limit is keyed by something the caller cannot choose freely:
 * the client IP (the plugin's global key) and, on the routes that take a password, the target email, so
 * guessing one account's password from many IPs is stopped too. Never by a Bearer token: a caller can
 * mint tokens for accounts of their own and would get a fresh bucket with each.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

/** Attempts per minute on login, registration and the sign-in form: per IP, and per target email. */
export const SIGN_IN_PER_MINUTE = 20;

/** Route config for the per-IP limit of a sign-in route (the global key generator is the IP). */
export const signInRouteLimit = { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: '1 minute' } };

export interface EmailLimits {
  /** Password sign-ins for one email, whichever route they use (login or the authorize form). */
  signIn(req: FastifyRequest): Promise<void>;
  register(req: FastifyRequest): Promise<void>;
}

/** Checks to run in a handler once the body is parsed: 429 past the limit for the body's email. */
export function emailLimits(app: FastifyInstance): EmailLimits {
  const limiter = (kind: string) => {
    const check = app.createRateLimit({
      max: SIGN_IN_PER_MINUTE,
      timeWindow: '1 minute',
      keyGenerator: (req) =>
        `${kind}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
    });
    return async (req: FastifyRequest) => {
      const limit = await check(req);
      if (!limit.isAllowed && limit.isExceeded) {
        throw new HttpError(
          429,
          'rate_limited',
          `Too many attempts for this email; retry in ${Math.ceil(limit.ttl / 1000)} s`,
        );
      }
    };
  };
  return { signIn: limiter('sign-in'), register: limiter('register') };
}
