/** Registration and password sign-in (for scripts and tests; the app signs in through OAuth). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config';
import type { Db } from '../db';
import { hashPassword, verifyPassword } from '../crypto';
import { HttpError } from '../http-error';
import { credit } from '../ledger';
import { signInRouteLimit, type EmailLimits } from '../rate-limits';
import { issueTokens } from '../sessions';

export const credentialsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 10, maxLength: 200 },
  },
} as const;

/** Checks email + password; one answer for an unknown email and a wrong password (no enumeration). */
export async function checkCredentials(
  db: Db,
  email: string,
  password: string,
): Promise<{ id: string; email: string }> {
  const [row] = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'SELECT id, email, password_hash FROM accounts WHERE email = $1 AND deleted_at IS NULL',
    [email.toLowerCase()],
  );
  const ok = await verifyPassword(password, row?.password_hash ?? null);
  if (!ok || !row) throw new HttpError(401, 'invalid_credentials', 'Wrong email or password');
  return { id: row.id, email: row.email };
}

export async function authRoutes(
  app: FastifyInstance,
  { config, db, limits }: { config: ServerConfig; db: Db; limits: EmailLimits },
): Promise<void> {
  app.post<{ Body: { email: string; password: string } }>(
    '/v1/auth/register',
    { schema: { body: credentialsSchema }, config: signInRouteLimit },
    async (req, reply) => {
      await limits.register(req);
      const email = req.body.email.toLowerCase();
      const id = randomUUID();
      const passwordHash = await hashPassword(req.body.password);
      await db.transaction(async (tx) => {
        const inserted = await tx.query(
          'INSERT INTO accounts(id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id',
          [id, email, passwordHash],
        );
        if (inserted.length === 0) return;
        await tx.query('INSERT INTO balances(account_id, balance) VALUES ($1, 0)', [id]);
        if (config.welcomeCredit > 0) await credit(tx, id, config.welcomeCredit, 'welcome', `welcome:${id}`);
      });
      // One answer whether or not the email was new (no account enumeration): the password was hashed
      // either way, so the timing matches too. Someone registering a taken email simply cannot sign in
      // with their password; a deployment with email would send the owner a notice here instead.
      return reply.status(201).send({ registered: true, next: 'sign in with this email and password' });
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/v1/auth/login',
    { schema: { body: credentialsSchema }, config: signInRouteLimit },
    async (req) => {
      await limits.signIn(req);
      const account = await checkCredentials(db, req.body.email, req.body.password);
      return db.transaction((tx) => issueTokens(tx, config, account));
    },
  );
}
