/**
 * `npm run models [-- --from MIRROR] [--dev] [--force] [ids…]`: fills models/ with weight files,
 * verifying bytes and sha256 of each. MIRROR (else ATELIER_MODELS_MIRROR) is a folder laid out like
 * ../shared/models or an http(s) URL of one; without it each model comes from its upstream URL. By
 * default the bundled models; --dev adds the development-only (non-commercial) ones that tests use;
 * ids pick models explicitly.
 *
 * `--setup` is what `npm install` runs (scripts/postinstall.js): the bundled and development models,
 * and never a failed install for want of a network: it says which models are missing and the one
 * command that fetches them. Only a mirror that was given and does not work fails it.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { modelFileProblem } from '../electron/engine/models/checksum';
import { installModel, mirrorFromEnv } from '../electron/engine/models/install';
import { ModelRegistry, defaultModelsDir } from '../electron/engine/models/registry';
import type { ModelEntry } from '../electron/engine/models/manifest';
import { AtelierError } from '../electron/engine/errors';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    dev: { type: 'boolean' },
    force: { type: 'boolean' },
    setup: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(
    'Usage: npm run models -- [--from MIRROR_DIR_OR_URL] [--dev] [--force] [model-id …]\n' +
      '  the mirror defaults to ATELIER_MODELS_MIRROR; without one, each model downloads from its URL',
  );
  process.exit(0);
}

const modelsDir = defaultModelsDir();
const registry = new ModelRegistry(modelsDir);
const mirror = values.from ?? mirrorFromEnv();
const mirrorUrl = mirror !== undefined && /^https?:\/\//i.test(mirror) ? mirror : undefined;
const mirrorDir = mirror !== undefined && !mirrorUrl ? path.resolve(mirror) : undefined;
const withDev = values.dev || values.setup;
let wanted: ModelEntry[];
try {
  wanted = positionals.length
    ? positionals.map((id) => registry.get(id).entry)
    : registry
        .list()
        .map((m) => m.entry)
        .filter((e) => e.bundle || (withDev && !e.commercialUse));
} catch (error) {
  console.error(`✗ ${error instanceof AtelierError ? error.userMessage : String(error)}`);
  process.exit(1);
}

const verify = (file: string, entry: ModelEntry) => modelFileProblem(file, entry);
const message = (error: unknown) =>
  error instanceof AtelierError ? error.userMessage : error instanceof Error ? error.message : String(error);

/** Set once a download from a URL failed on the network: the other URLs are not tried (offline). */
let offline: string | undefined;

async function fetchOne(entry: ModelEntry): Promise<void> {
  const target = path.join(modelsDir, entry.file);
  if (!values.force && existsSync(target) && !(await verify(target, entry))) {
    console.log(`✓ ${entry.id} already installed`);
    return;
  }
  if (mirrorDir) {
    if (!existsSync(mirrorDir)) throw new Error(`${entry.id}: the mirror folder ${mirrorDir} does not exist`);
    const temp = `${target}.part`;
    await mkdir(path.dirname(target), { recursive: true });
    const source = path.resolve(mirrorDir, entry.mirrorPath ?? entry.file);
    if (!existsSync(source)) throw new Error(`${entry.id}: not in the mirror (${source})`);
    await copyFile(source, temp);
    const problem = await verify(temp, entry);
    if (problem) {
      await rm(temp, { force: true });
      throw new Error(
        `${entry.id}: ${entry.file} ${problem} — the source is corrupt or a different file; nothing was installed`,
      );
    }
    await rename(temp, target);
  } else {
    // From a mirror URL or the upstream URL: the app's own installer (resumable, verified, nothing
    // left on a mismatch).
    if (!mirrorUrl && !entry.url)
      throw new Error(`${entry.id}: has no download URL (it comes from a mirror)`);
    if (offline) throw new Error(`${entry.id}: not downloaded (${offline})`);
    try {
      // In setup, a machine without internet should learn it in seconds, not after minutes of retries.
      await installModel(registry, entry.id, {
        mirror: mirrorUrl,
        ...(values.setup ? { retries: 1, stallMs: 15_000 } : {}),
      });
    } catch (error) {
      if (error instanceof AtelierError && error.code === 'NETWORK') {
        offline = `no network? the download of ${entry.id} failed`;
        // Nothing useful was kept: an empty partial file is no start for a resume.
        const partial = path.join(registry.installDir, `${entry.file}.partial`);
        if (existsSync(partial) && statSync(partial).size === 0) await rm(partial, { force: true });
        throw new Error(
          `${entry.id}: could not download ${mirrorUrl ? 'from the mirror' : entry.url} (${message(error.cause ?? error)})`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  console.log(
    `✓ ${entry.id} → models/${entry.file} (${((entry.bytes ?? 0) / 1e6).toFixed(1)} MB, ${entry.sha256 ? 'sha256' : 'md5'} verified)`,
  );
}

const missing: string[] = [];
for (const entry of wanted) {
  try {
    await fetchOne(entry);
  } catch (error) {
    missing.push(entry.id);
    console.error(`✗ ${message(error)}`);
  }
}

if (missing.length > 0) {
  const shared = path.resolve(modelsDir, '..', '..', 'shared', 'models');
  const example = existsSync(shared) ? path.relative(process.cwd(), shared) : 'DIR_OR_URL';
  console.error(
    `\n✗ ${missing.length} of ${wanted.length} models not installed: ${missing.join(', ')}.\n` +
      `  Atelier needs them (its tests the development ones too). Fetch them from a mirror (a folder or an http(s) URL):\n` +
      `    ATELIER_MODELS_MIRROR=${example} npm run models -- --dev\n`,
  );
} else if (values.setup) {
  console.log(`✓ all ${wanted.length} models installed and verified in models/`);
}
// Setup without a mirror never fails `npm install` (an offline machine); a given mirror that does not
// work does, like any explicit `npm run models`.
process.exit(missing.length === 0 || (values.setup && mirror === undefined) ? 0 : 2);
