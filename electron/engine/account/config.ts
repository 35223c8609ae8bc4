/**
 * Which license server the app talks to and the public key it must have signed statements with. The key
 * is pinned here, in the app's config, never fetched and trusted at run time. Sources, first wins:
 * ATELIER_SERVER_URL + ATELIER_SERVER_PUBLIC_KEY (+ ATELIER_SERVER_KEY_ID), then `licenseServer` in the
 * profile's settings.json: { "licenseServer": { "url": "https://…", "keys": [{ "keyId", "publicKey" }] } },
 * then the release build's own server: dist/license-server.json (same shape), which `npm run build`
 * writes from ATELIER_RELEASE_SERVER_URL and ATELIER_RELEASE_SERVER_PUBLIC_KEY (scripts/release-config.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AtelierError } from '../errors';
import type { ProfilePaths } from '../profile';
import { ed25519PublicKey, type PinnedKey } from './statement';

export interface AccountConfig {
  serverUrl: string;
  pinnedKeys: PinnedKey[];
}

const serverUrlSchema = z.url({ protocol: /^https?$/ });
const configSchema = z.object({
  url: serverUrlSchema,
  keys: z.array(z.object({ keyId: z.string().min(1).optional(), publicKey: z.string().min(1) })).min(1),
});

const HINT =
  'set ATELIER_SERVER_URL and ATELIER_SERVER_PUBLIC_KEY, or "licenseServer" {url, keys:[{keyId, publicKey}]} in settings.json';

/** Validates a config and its keys; an http:// URL is accepted only for a loopback host (development). */
export function parseAccountConfig(raw: unknown, source: string): AccountConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'licenseServer';
    throw new AtelierError('USAGE', `Invalid license server config (${source}: ${field})`, {
      hint: HINT,
      file: source,
    });
  }
  const url = new URL(parsed.data.url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new AtelierError('USAGE', `The license server must use https (${source}: url ${url.origin})`, {
      hint: 'use an https:// URL',
      file: source,
    });
  }
  parsed.data.keys.forEach((k, i) => ed25519PublicKey(k.publicKey, `${source}: keys.${i}.publicKey`));
  return { serverUrl: url.origin, pinnedKeys: parsed.data.keys };
}

/** The name of the release build's license server file, in the app's dist/ folder. */
export const BUILD_CONFIG_FILE = 'license-server.json';

/**
 * dist/license-server.json of the app this module belongs to (a checkout, or app.asar in a release
 * build), or undefined when the build carries none.
 */
export function buildConfigFile(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', BUILD_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    // The app's root holds package.json: never look above it.
    if (existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir) return undefined;
  }
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new AtelierError('USAGE', `${what} is not valid JSON: ${file}`, {
      hint: 'fix or remove the file',
      file,
    });
  }
}

export function loadAccountConfig(
  profile: Pick<ProfilePaths, 'settings'>,
  env = process.env,
  buildFile: string | undefined = buildConfigFile(),
): AccountConfig {
  if (env.ATELIER_SERVER_URL || env.ATELIER_SERVER_PUBLIC_KEY) {
    return parseAccountConfig(
      {
        url: env.ATELIER_SERVER_URL,
        keys: [
          {
            publicKey: env.ATELIER_SERVER_PUBLIC_KEY,
            ...(env.ATELIER_SERVER_KEY_ID ? { keyId: env.ATELIER_SERVER_KEY_ID } : {}),
          },
        ],
      },
      'ATELIER_SERVER_URL/ATELIER_SERVER_PUBLIC_KEY',
    );
  }
  const section = existsSync(profile.settings)
    ? (readJson(profile.settings, 'settings.json') as { licenseServer?: unknown } | null)?.licenseServer
    : undefined;
  if (section !== undefined) return parseAccountConfig(section, profile.settings);
  if (buildFile) return parseAccountConfig(readJson(buildFile, "The build's license server file"), buildFile);
  throw new AtelierError('USAGE', 'No license server is configured', { hint: HINT });
}
