/**
 * `npm run models [-- --from DIR] [--dev] [ids…]`: fills models/ with weight files, verifying bytes and
 * sha256 of each. From a mirror folder (laid out like ../shared/models) when --from is given, else from
 * each model's upstream URL. By default the bundled models; --dev adds the development-only
 * (non-commercial) ones that tests use; ids pick models explicitly.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { modelFileProblem } from '../electron/engine/models/checksum';
import { installModel } from '../electron/engine/models/install';
import { ModelRegistry, defaultModelsDir } from '../electron/engine/models/registry';
import type { ModelEntry } from '../electron/engine/models/manifest';
import { AtelierError } from '../electron/engine/errors';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    dev: { type: 'boolean' },
    force: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('Usage: npm run models -- [--from MIRROR_DIR] [--dev] [--force] [model-id …]');
  process.exit(0);
}

const modelsDir = defaultModelsDir();
const registry = new ModelRegistry(modelsDir);
let wanted: ModelEntry[];
try {
  wanted = positionals.length
    ? positionals.map((id) => registry.get(id).entry)
    : registry
        .list()
        .map((m) => m.entry)
        .filter((e) => e.bundle || (values.dev && !e.commercialUse));
} catch (error) {
  console.error(`✗ ${error instanceof AtelierError ? error.userMessage : String(error)}`);
  process.exit(1);
}

const verify = (file: string, entry: ModelEntry) => modelFileProblem(file, entry);

async function fetchOne(entry: ModelEntry): Promise<void> {
  const target = path.join(modelsDir, entry.file);
  if (!values.force && existsSync(target) && !(await verify(target, entry))) {
    console.log(`✓ ${entry.id} already installed`);
    return;
  }
  if (values.from) {
    const temp = `${target}.part`;
    await mkdir(path.dirname(target), { recursive: true });
    const source = path.resolve(values.from, entry.mirrorPath ?? entry.file);
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
    // From the upstream URL: the app's own installer (resumable, verified, nothing left on a mismatch).
    if (!entry.url) throw new Error(`${entry.id}: has no download URL; use --from MIRROR_DIR`);
    await installModel(registry, entry.id);
  }
  console.log(
    `✓ ${entry.id} → models/${entry.file} (${((entry.bytes ?? 0) / 1e6).toFixed(1)} MB, ${entry.sha256 ? 'sha256' : 'md5'} verified)`,
  );
}

let failed = 0;
for (const entry of wanted) {
  try {
    await fetchOne(entry);
  } catch (error) {
    failed++;
    console.error(
      `✗ ${error instanceof AtelierError ? error.userMessage : error instanceof Error ? error.message : String(error)}`,
    );
  }
}
process.exit(failed ? 2 : 0);
