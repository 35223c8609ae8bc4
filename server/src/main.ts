/**
 * `npm run server`: the license endpoint. PORT (default 8787), HOST (127.0.0.1), DATABASE_URL (a
 * PostgreSQL URL; default: PGlite in ./.data/license), NODE_ENV=production for real secrets.
 * SIGTERM/SIGINT stop accepting connections, finish requests in flight and close the database.
 */
import { ConfigError } from './config';
import { startLicenseServer } from './index';

try {
  const server = await startLicenseServer({
    databaseUrl: process.env.DATABASE_URL ?? 'pglite:.data/license',
    port: Number(process.env.PORT ?? 8787),
    host: process.env.HOST ?? '127.0.0.1',
    logger: true,
  });
  if (server.config.ephemeral.length) {
    server.app.log.warn(
      `development mode: generated ephemeral ${server.config.ephemeral.join(', ')} (set them to keep sessions across restarts)`,
    );
  }
  server.app.log.info(
    { publicKey: server.publicKeyBase64, keyId: server.config.keyId },
    `license endpoint at ${server.url}`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`license server: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
