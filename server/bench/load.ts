/**
 * Load figures for the license endpoint on 127.0.0.1 (autocannon, bounded to a few seconds each):
 * requests/s and p99 latency for GET /v1/balance and POST /v1/usage, on PGlite and, when
 * ATELIER_TEST_DATABASE_URL is set, PostgreSQL. Run alone with `npx tsx server/bench/load.ts`.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { startLicenseServer } from '../src/index';
import { signWebhook } from '../src/webhooks';

const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 5);

async function setup(url: string, webhookSecret: string) {
  const email = `bench-${randomUUID()}@example.com`;
  const password = 'benchmark password';
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  await post('/v1/auth/register', JSON.stringify({ email, password }));
  const { access_token: access } = (await (
    await post('/v1/auth/login', JSON.stringify({ email, password }))
  ).json()) as { access_token: string };
  for (let i = 0; i < 40; i++) {
    const { checkoutUrl } = (await (
      await post('/v1/checkout', JSON.stringify({ packId: 'agency' }), { authorization: `Bearer ${access}` })
    ).json()) as { checkoutUrl: string };
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'checkout.completed',
      data: { checkoutId: checkoutUrl.split('/').pop() },
    });
    await post('/v1/webhooks/payment', body, { 'Atelier-Signature': signWebhook(webhookSecret, body) });
  }
  const { deviceId } = (await (
    await post('/v1/devices', JSON.stringify({ name: 'bench', platform: 'linux' }), {
      authorization: `Bearer ${access}`,
    })
  ).json()) as { deviceId: string };
  return { access, deviceId };
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

async function benchOne(name: string, databaseUrl: string | undefined): Promise<void> {
  const server = await startLicenseServer({
    databaseUrl,
    ...(databaseUrl ? { schema: `bench_${randomUUID().replace(/-/g, '')}` } : {}),
    config: { rateLimitPerMinute: 10_000_000 },
  });
  try {
    const { access, deviceId } = await setup(server.url, server.config.webhookSecret);
    const auth = { authorization: `Bearer ${access}`, 'content-type': 'application/json' };
    const balance = await run({
      url: `${server.url}/v1/balance`,
      connections: 10,
      duration: SECONDS,
      headers: auth,
    });
    const usage = await run({
      url: `${server.url}/v1/usage`,
      connections: 10,
      duration: SECONDS,
      method: 'POST',
      headers: auth,
      // A fresh idempotency key per request, as real clients send.
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              deviceId,
              debits: [
                { id: randomUUID(), operation: 'cutout', tokens: 1, createdAt: new Date().toISOString() },
              ],
            }),
          }),
        },
      ],
    });
    for (const [route, r] of [
      ['GET /v1/balance', balance],
      ['POST /v1/usage', usage],
    ] as const) {
      console.log(
        `${name.padEnd(10)} ${route.padEnd(16)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors + r.non2xx}`,
      );
    }
  } finally {
    await server.close();
  }
}

export async function benchServer(): Promise<void> {
  console.log(`license endpoint on 127.0.0.1, 10 connections, ${SECONDS} s per route`);
  await benchOne('PGlite', undefined);
  if (process.env.ATELIER_TEST_DATABASE_URL)
    await benchOne('PostgreSQL', process.env.ATELIER_TEST_DATABASE_URL);
  else console.log('PostgreSQL: skipped (set ATELIER_TEST_DATABASE_URL)');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  await benchServer();
}
