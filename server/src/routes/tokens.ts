/** Public keys, prices, the signed balance, and usage: batches of debits, each applied exactly once. */
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db';
import { requireAccount } from '../auth-guard';
import { rawPublicKey } from '../crypto';
import { HttpError } from '../http-error';
import { applyDebits, statementFor, type DebitRequest } from '../ledger';

export async function tokenRoutes(
  app: FastifyInstance,
  { config, db }: { config: ServerConfig; db: Db },
): Promise<void> {
  const publicKey = rawPublicKey(config.signingKey);

  app.get('/.well-known/atelier-keys.json', async () => ({
    keys: [{ keyId: config.keyId, alg: 'Ed25519', publicKey }],
  }));

  app.get('/v1/prices', async () => ({ prices: config.prices, freeDailyQuota: config.freeDailyQuota }));

  app.get('/v1/balance', async (req) => {
    const accountId = await requireAccount(req, config, db);
    return statementFor(db, config, accountId);
  });

  app.post<{ Body: { deviceId: string; debits: DebitRequest[] } }>(
    '/v1/usage',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['deviceId', 'debits'],
          properties: {
            deviceId: { type: 'string', minLength: 1, maxLength: 64 },
            debits: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'operation', 'tokens', 'createdAt'],
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  operation: { type: 'string', enum: Object.keys(config.prices) },
                  tokens: { type: 'integer', minimum: 1, maximum: 1000 },
                  createdAt: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const accountId = await requireAccount(req, config, db);
      const [device] = await db.query<{ account_id: string; revoked_at: unknown }>(
        'SELECT account_id, revoked_at FROM devices WHERE id = $1',
        [req.body.deviceId],
      );
      if (!device || device.account_id !== accountId) {
        throw new HttpError(403, 'forbidden', 'This device does not belong to your account', 'deviceId');
      }
      if (device.revoked_at)
        throw new HttpError(403, 'device_revoked', 'This device was removed from your account');
      const ids = new Set(req.body.debits.map((d) => d.id));
      if (ids.size !== req.body.debits.length)
        throw new HttpError(400, 'invalid_request', 'Debit ids must be unique in one request', 'debits');
      const results = await applyDebits(db, accountId, req.body.deviceId, req.body.debits);
      return { results, ...(await statementFor(db, config, accountId)) };
    },
  );
}
