/**
 * The license endpoint as a Fastify app: strict schema validation (unknown fields and wrong types are
 * refused, never coerced or stripped), an OpenAPI document, rate limits, security headers, redacted
 * logs, and one error shape for every failure.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { ServerConfig } from './config';
import type { Db } from './db';
import { redactPaths } from './redaction';
import { HttpError } from './http-error';
import { emailLimits } from './rate-limits';
import { authRoutes } from './routes/auth';
import { oauthRoutes } from './routes/oauth';
import { accountRoutes } from './routes/account';
import { tokenRoutes } from './routes/tokens';
import { purchaseRoutes } from './routes/purchases';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export interface AppDeps {
  config: ServerConfig;
  db: Db;
  logger?: boolean;
  /** Where logs go (stdout by default); tests read them to check that no secret is ever logged. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp({ config, db, logger = false, logStream }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
    logger: logger
      ? {
          level: process.env.LOG_LEVEL ?? 'info',
          redact: redactPaths(),
          ...(logStream ? { stream: logStream } : {}),
        }
      : false,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
  });

  // Keep the raw JSON text: webhook signatures are computed over the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    req.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HttpError(400, 'invalid_json', 'The request body is not valid JSON'), undefined);
    }
  });
  await app.register(formbody);
  await app.register(swagger, {
    openapi: { info: { title: 'Atelier license endpoint', version: '1.0.0' } },
  });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // The client IP only: never a Bearer token, which the caller chooses (see rate-limits.ts).
    keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://[::1]:*; frame-ancestors 'none'; base-uri 'none'",
    );
    if (config.production) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (req.url.startsWith('/oauth') || req.url.startsWith('/v1')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof HttpError) return reply.status(error.status).send(error.body());
    const e = error as {
      validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[];
      statusCode?: number;
      code?: string;
      message: string;
    };
    if (e.validation) {
      const first = e.validation[0];
      const extra = first?.params?.additionalProperty;
      const field =
        (typeof extra === 'string' ? extra : undefined) ??
        (first?.params?.missingProperty as string | undefined) ??
        first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ??
        undefined;
      return reply
        .status(400)
        .send(
          new HttpError(
            400,
            'invalid_request',
            `Invalid request: ${field ? `${field}: ` : ''}${first?.message ?? 'invalid'}`,
            field || undefined,
          ).body(),
        );
    }
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .status(413)
        .send(new HttpError(413, 'body_too_large', 'The request body is too large').body());
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(new HttpError(e.statusCode, 'bad_request', e.message).body());
    }
    req.log.error({ err: error }, 'request failed');
    return reply.status(500).send(new HttpError(500, 'internal', 'Internal server error').body());
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(new HttpError(404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}`).body()),
  );

  // One set of per-email limiters for the whole app: login and the authorize form share a bucket.
  const deps = { config, db, limits: emailLimits(app) };
  await app.register(async (scope) => authRoutes(scope, deps));
  await app.register(async (scope) => oauthRoutes(scope, deps));
  await app.register(async (scope) => accountRoutes(scope, deps));
  await app.register(async (scope) => tokenRoutes(scope, deps));
  await app.register(async (scope) => purchaseRoutes(scope, deps));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
