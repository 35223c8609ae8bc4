/**
 * Token packs: the catalogue, a checkout (our stand-in page for the payment provider's hosted checkout)
 * and the provider's signed webhook, which credits a pack exactly once per event and per checkout.
 * The webhook only names the checkout: what is credited, and to whom, comes from the checkout row this
 * server created, never from the event (a signed event for an unknown checkout credits nothing).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db';
import { requireAccount } from '../auth-guard';
import { HttpError } from '../http-error';
import { credit } from '../ledger';
import { verifyWebhook } from '../webhooks';

/** Development only (production requires publicUrl): the address this request really arrived on. */
function localOrigin(req: FastifyRequest): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}

interface WebhookEvent {
  id: string;
  type: string;
  /** accountId and packId, when the provider echoes them, must match the checkout row. */
  data: { checkoutId: string; accountId?: string; packId?: string };
}

export async function purchaseRoutes(
  app: FastifyInstance,
  { config, db }: { config: ServerConfig; db: Db },
): Promise<void> {
  app.get('/v1/packs', async () => ({ packs: config.packs }));

  app.post<{ Body: { packId: string } }>(
    '/v1/checkout',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['packId'],
          properties: { packId: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (req) => {
      const accountId = await requireAccount(req, config, db);
      if (!config.packs.some((p) => p.id === req.body.packId))
        throw new HttpError(400, 'invalid_request', 'Unknown pack', 'packId');
      const id = `chk_${randomUUID()}`;
      await db.query('INSERT INTO checkouts(id, account_id, pack_id) VALUES ($1, $2, $3)', [
        id,
        accountId,
        req.body.packId,
      ]);
      const base = config.publicUrl ?? localOrigin(req);
      return { checkoutUrl: `${base}/checkout/${id}` };
    },
  );

  app.get<{ Params: { id: string } }>('/checkout/:id', async (req, reply) => {
    const [row] = await db.query<{ pack_id: string; completed_at: unknown }>(
      'SELECT pack_id, completed_at FROM checkouts WHERE id = $1',
      [req.params.id],
    );
    if (!row) throw new HttpError(404, 'not_found', 'No such checkout');
    const pack = config.packs.find((p) => p.id === row.pack_id);
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Atelier checkout</title><body style="font-family:system-ui;padding:40px">` +
          `<h1>${pack?.tokens ?? '?'} tokens</h1><p>${row.completed_at ? 'Paid — you can return to Atelier.' : 'The payment provider completes this purchase and notifies Atelier.'}</p></body>`,
      );
  });

  app.post<{ Body: WebhookEvent }>(
    '/v1/webhooks/payment',
    {
      schema: {
        body: {
          type: 'object',
          required: ['id', 'type', 'data'],
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 200 },
            type: { type: 'string', maxLength: 100 },
            data: {
              type: 'object',
              required: ['checkoutId'],
              properties: {
                accountId: { type: 'string', maxLength: 64 },
                packId: { type: 'string', maxLength: 100 },
                checkoutId: { type: 'string', maxLength: 100 },
              },
            },
          },
        },
      },
      config: { rateLimit: false },
    },
    async (req) => {
      const check = verifyWebhook(
        config.webhookSecret,
        req.headers['atelier-signature'] as string | undefined,
        req.rawBody ?? '',
      );
      if (!check.ok) throw new HttpError(400, 'invalid_signature', `Webhook refused: ${check.reason}`);
      const event = req.body;
      if (event.type !== 'checkout.completed') return { received: true, ignored: event.type };
      const outcome = await db.transaction(async (tx) => {
        const fresh = await tx.query(
          'INSERT INTO webhook_events(id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id',
          [event.id],
        );
        if (fresh.length === 0) return 'replayed' as const;
        // The checkout row is locked: two events completing it at once credit it once.
        const [checkout] = await tx.query<{ account_id: string; pack_id: string; completed_at: unknown }>(
          'SELECT account_id, pack_id, completed_at FROM checkouts WHERE id = $1 FOR UPDATE',
          [event.data.checkoutId],
        );
        if (!checkout) return 'unknown_checkout' as const;
        const { accountId = checkout.account_id, packId = checkout.pack_id } = event.data;
        if (accountId !== checkout.account_id || packId !== checkout.pack_id) return 'mismatch' as const;
        if (checkout.completed_at) return 'duplicate' as const;
        const pack = config.packs.find((p) => p.id === checkout.pack_id);
        if (!pack) return 'unknown_pack' as const;
        await tx.query('UPDATE checkouts SET completed_at = now() WHERE id = $1', [event.data.checkoutId]);
        // Keyed by checkout as well: the same purchase can never be credited twice by any path.
        const credited = await credit(
          tx,
          checkout.account_id,
          pack.tokens,
          `pack:${pack.id}`,
          `checkout:${event.data.checkoutId}`,
        );
        return credited ? ('credited' as const) : ('duplicate' as const);
      });
      // Refusals roll nothing back but the event id is kept: they are answered 4xx and credit nothing.
      if (outcome === 'unknown_checkout')
        throw new HttpError(404, 'unknown_checkout', 'No checkout with this id', 'data.checkoutId');
      if (outcome === 'mismatch') {
        throw new HttpError(
          409,
          'checkout_mismatch',
          'The event names another account or pack than the checkout',
          'data',
        );
      }
      if (outcome === 'unknown_pack')
        throw new HttpError(409, 'unknown_pack', 'The checkout is for a pack no longer offered');
      return { received: true, outcome };
    },
  );
}
