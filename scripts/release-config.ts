/**
 * `npm run build` step: the license server a release build talks to, from the build's environment:
 * ATELIER_RELEASE_SERVER_URL (https) and ATELIER_RELEASE_SERVER_PUBLIC_KEY (base64 of the raw Ed25519
 * key; ATELIER_RELEASE_SERVER_KEY_ID optional, default k1). Writes dist/license-server.json, which the
 * app reads at startup (electron/engine/account/config.ts) and electron-builder packs with dist/.
 * Refuses a loopback or plain-http URL and a development key (the one `npm run dev` keeps in
 * .dev/secrets.json, or ATELIER_DEV_DIR's). Without the variables it writes nothing and removes an
 * earlier file: that build has no license server, and says so where buying would be.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_CONFIG_FILE, parseAccountConfig } from '../electron/engine/account/config';
import { AtelierError } from '../electron/engine/errors';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(process.env.ATELIER_DIST_DIR ?? path.join(root, 'dist'), BUILD_CONFIG_FILE);
const url = process.env.ATELIER_RELEASE_SERVER_URL?.trim();
const publicKey = process.env.ATELIER_RELEASE_SERVER_PUBLIC_KEY?.trim();
const keyId = process.env.ATELIER_RELEASE_SERVER_KEY_ID?.trim() || 'k1';

function fail(message: string): never {
  console.error(`release config: ${message}; ${path.relative(process.cwd(), out)} was not written`);
  process.exit(1);
}

/** The public half of the development signing key `npm run dev` uses, if this checkout has one. */
function devPublicKey(): string | undefined {
  const file = path.join(process.env.ATELIER_DEV_DIR ?? path.join(root, '.dev'), 'secrets.json');
  if (!existsSync(file)) return undefined;
  const { signingKey } = JSON.parse(readFileSync(file, 'utf8')) as { signingKey: string };
  const spki = createPublicKey(createPrivateKey(signingKey)).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

if (!url && !publicKey) {
  rmSync(out, { force: true });
  console.log(
    'release config: no license server in this build (set ATELIER_RELEASE_SERVER_URL and ATELIER_RELEASE_SERVER_PUBLIC_KEY for a release)',
  );
  process.exit(0);
}
if (!url || !publicKey) fail('set both ATELIER_RELEASE_SERVER_URL and ATELIER_RELEASE_SERVER_PUBLIC_KEY');
const host = (() => {
  try {
    return new URL(url).hostname;
  } catch {
    return fail(`ATELIER_RELEASE_SERVER_URL is not a URL ("${url}")`);
  }
})();
if (!url.startsWith('https://')) fail(`a release talks to its license server over https only ("${url}")`);
if (['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(host) || host.endsWith('.localhost'))
  fail(`a release must not point at a loopback address ("${url}")`);
if (publicKey === devPublicKey())
  fail("ATELIER_RELEASE_SERVER_PUBLIC_KEY is the development server's key (.dev/secrets.json)");
const config = { url, keys: [{ keyId, publicKey }] };
try {
  parseAccountConfig(config, 'ATELIER_RELEASE_SERVER_URL/ATELIER_RELEASE_SERVER_PUBLIC_KEY');
} catch (error) {
  fail(error instanceof AtelierError ? error.userMessage : String(error));
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
console.log(
  `release config: license server ${new URL(url).origin} (key ${keyId}) → ${path.relative(process.cwd(), out)}`,
);
