/**
 * The payment provider's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
 * body)>`, accepted within a tolerance window. Replays are stopped by event id in the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export type WebhookCheck = { ok: true } | { ok: false; reason: string };

export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  now = Date.now(),
): WebhookCheck {
  if (!header) return { ok: false, reason: 'missing Atelier-Signature header' };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return { ok: false, reason: 'malformed Atelier-Signature header' };
  if (Math.abs(now / 1000 - t) > WEBHOOK_TOLERANCE_SECONDS)
    return { ok: false, reason: 'signature timestamp outside the tolerance window' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  return { ok: true };
}
