/**
 * Programmatic start of the license endpoint (tests, the desktop app's e2e, `npm run server`).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { loadConfig, type ServerConfig } from './config';
import { rawPublicKey } from './crypto';
import { migrate, pgliteDb, postgresDb, type Db } from './db';

export type { ServerConfig };

export interface StartOptions {
  /** undefined → in-memory PGlite; `pglite:DIR` → PGlite in a folder; else a PostgreSQL URL. */
  databaseUrl?: string;
  /** Run in this PostgreSQL schema (created if missing): lets test runs share one database. */
  schema?: string;
  port?: number;
  host?: string;
  config?: Partial<ServerConfig>;
  logger?: boolean;
  logStream?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

export interface LicenseServer {
  url: string;
  app: FastifyInstance;
  db: Db;
  config: ServerConfig;
  publicKeyBase64: string;
  close(): Promise<void>;
}

export async function openDatabase(databaseUrl: string | undefined, schema?: string): Promise<Db> {
  if (!databaseUrl) return pgliteDb();
  if (databaseUrl.startsWith('pglite:')) return pgliteDb(databaseUrl.slice('pglite:'.length));
  if (schema) {
    const admin = postgresDb(databaseUrl);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
    await admin.close();
  }
  return postgresDb(databaseUrl, schema);
}

export async function startLicenseServer(options: StartOptions = {}): Promise<LicenseServer> {
  const config = loadConfig(options.env ?? process.env, options.config);
  const db = await openDatabase(options.databaseUrl, options.schema);
  await migrate(db);
  const app = await buildApp({
    config,
    db,
    logger: options.logger ?? false,
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url: address.replace('localhost', '127.0.0.1'),
    app,
    db,
    config,
    publicKeyBase64: rawPublicKey(config.signingKey),
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
