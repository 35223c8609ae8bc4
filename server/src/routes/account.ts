/** The signed-in account: who am I, delete me, and my devices (with a per-account limit). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db';
import { requireAccount } from '../auth-guard';
import { HttpError } from '../http-error';

export async function accountRoutes(
  app: FastifyInstance,
  { config, db }: { config: ServerConfig; db: Db },
): Promise<void> {
  app.get('/v1/me', async (req) => {
    const id = await requireAccount(req, config, db);
    const [row] = await db.query<{ email: string }>('SELECT email FROM accounts WHERE id = $1', [id]);
    return { id, email: row?.email ?? '' };
  });

  // Personal data goes (email, password, sessions, device names); the ledger stays, keyed by the now
  // anonymous account id, because purchases and usage are accounting records.
  app.delete('/v1/account', async (req, reply) => {
    const id = await requireAccount(req, config, db);
    await db.transaction(async (tx) => {
      await tx.query(
        'UPDATE accounts SET email = NULL, password_hash = NULL, deleted_at = now() WHERE id = $1',
        [id],
      );
      // Sessions and devices are deleted, not just revoked: a deleted account keeps nothing that
      // describes a person or a machine (requireAccount refuses it from now on).
      await tx.query('DELETE FROM refresh_tokens WHERE account_id = $1', [id]);
      await tx.query('DELETE FROM devices WHERE account_id = $1', [id]);
      await tx.query('DELETE FROM auth_codes WHERE account_id = $1', [id]);
    });
    return reply.status(204).send();
  });

  app.post<{ Body: { name: string; platform: string; installId?: string } }>(
    '/v1/devices',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'platform'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            platform: { type: 'string', minLength: 1, maxLength: 40 },
            // The app's installation (a random id it keeps): registering again from it is idempotent.
            installId: { type: 'string', minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' },
          },
        },
      },
    },
    async (req, reply) => {
      const accountId = await requireAccount(req, config, db);
      const installId = req.body.installId ?? null;
      const outcome = await db.transaction(async (tx) => {
        // Lock the account's balance row so two registrations cannot both pass the limit check (or
        // both add a device for one installation).
        await tx.query('SELECT 1 FROM balances WHERE account_id = $1 FOR UPDATE', [accountId]);
        if (installId) {
          // The answer to an earlier registration from this installation was lost: the same device.
          const [known] = await tx.query<{ id: string }>(
            'SELECT id FROM devices WHERE account_id = $1 AND install_id = $2 AND revoked_at IS NULL',
            [accountId, installId],
          );
          if (known) return { deviceId: known.id, created: false };
        }
        const [count] = await tx.query<{ n: string }>(
          'SELECT count(*) AS n FROM devices WHERE account_id = $1 AND revoked_at IS NULL',
          [accountId],
        );
        if (Number(count?.n ?? 0) >= config.deviceLimit) return undefined;
        const deviceId = randomUUID();
        await tx.query(
          'INSERT INTO devices(id, account_id, name, platform, install_id) VALUES ($1, $2, $3, $4, $5)',
          [deviceId, accountId, req.body.name, req.body.platform, installId],
        );
        return { deviceId, created: true };
      });
      if (!outcome) {
        throw new HttpError(
          409,
          'device_limit',
          `This account already has ${config.deviceLimit} devices; remove one first`,
        );
      }
      return reply.status(outcome.created ? 201 : 200).send({ deviceId: outcome.deviceId });
    },
  );

  app.get('/v1/devices', async (req) => {
    const accountId = await requireAccount(req, config, db);
    const rows = await db.query<{
      id: string;
      name: string;
      platform: string;
      created_at: Date;
      revoked_at: Date | null;
    }>(
      'SELECT id, name, platform, created_at, revoked_at FROM devices WHERE account_id = $1 ORDER BY created_at',
      [accountId],
    );
    return {
      devices: rows.map((d) => ({
        id: d.id,
        name: d.name,
        platform: d.platform,
        createdAt: new Date(d.created_at).toISOString(),
        revoked: d.revoked_at !== null,
      })),
    };
  });

  app.delete<{ Params: { id: string } }>(
    '/v1/devices/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
      },
    },
    async (req, reply) => {
      const accountId = await requireAccount(req, config, db);
      const updated = await db.query(
        'UPDATE devices SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND account_id = $2 RETURNING id',
        [req.params.id, accountId],
      );
      if (updated.length === 0) throw new HttpError(404, 'not_found', 'No such device on this account');
      return reply.status(204).send();
    },
  );
}
