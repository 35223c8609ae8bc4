/**
 * `atelier models [list]`, `atelier models install ID… [--mirror URL]`, `atelier models remove ID…`.
 * Installs go to the profile's models folder (shared by the app and the CLI) through the same
 * installer the app's Models page uses.
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AtelierError, toAtelierError } from '../errors';
import { installModel, mirrorFromEnv, removeModel } from '../models/install';
import { ModelRegistry, defaultModelsDir } from '../models/registry';
import { openProfile, resolveProfileDir } from '../profile';
import type { CommandModule } from './command';
import { renderBar } from './progress-bar';

const USAGE = `Usage:
  atelier models [list] [--json] [--dev]      every model: task, size, licence, installed or not
  atelier models install ID… [--mirror URL]   download and verify into the profile's models folder
  atelier models remove ID…                   delete an installed model from the profile
Options: --profile DIR; --dev also lists development-only models (never shipped: for tests);
--mirror URL (or ATELIER_MODELS_MIRROR) fetches from a studio's own mirror instead of each model's URL.`;

const megabytes = (bytes: number | null) =>
  bytes === null ? '? MB' : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

function drawProgress(id: string, received: number, total: number): void {
  if (!process.stderr.isTTY || total <= 0) return;
  process.stderr.write(
    `\r\x1b[2K${id} ${renderBar(received / total)} ${megabytes(received)} / ${megabytes(total)}`,
  );
}

const command: CommandModule = {
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        json: { type: 'boolean' },
        dev: { type: 'boolean' },
        mirror: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    const [action = 'list', ...ids] = positionals;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const profile = openProfile(resolveProfileDir(values.profile));
    const registry = new ModelRegistry(defaultModelsDir(), profile.customModels);

    if (action === 'list') {
      const rows = registry.listForUsers(values.dev ?? false).map((m) => ({
        id: m.entry.id,
        task: m.entry.task,
        installed: registry.isInstalled(m.entry.id),
        bytes: m.entry.bytes,
        commercialUse: m.entry.commercialUse,
        license: m.entry.license,
        origin: m.origin,
        name: m.entry.name,
      }));
      if (values.json) {
        for (const row of rows) console.log(JSON.stringify(row));
        return 0;
      }
      for (const r of rows) {
        const flags = [r.installed ? 'installed' : 'not installed', r.commercialUse ? '' : 'dev only']
          .filter(Boolean)
          .join(', ');
        console.log(
          `${r.id.padEnd(20)} ${r.task.padEnd(6)} ${megabytes(r.bytes).padStart(7)}  ${flags.padEnd(24)} ${r.name}`,
        );
      }
      return 0;
    }

    if (action !== 'install' && action !== 'remove') {
      console.error(`Unknown models action "${action}"\n${USAGE}`);
      return 2;
    }
    if (!ids.length) {
      console.error(`atelier models ${action}: name at least one model id (see \`atelier models\`)`);
      return 2;
    }
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    let failed = 0;
    try {
      for (const id of ids) {
        try {
          if (action === 'remove') {
            const removed = await removeModel(registry, id);
            console.log(removed ? `✓ ${id} removed` : `${id} was not installed in the profile`);
            continue;
          }
          const loc = await installModel(registry, id, {
            mirror: values.mirror ?? mirrorFromEnv(),
            signal: controller.signal,
            onProgress: (received, total) => drawProgress(id, received, total),
          });
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
          const digest = loc.entry.sha256 ? 'sha256' : 'md5';
          const size = megabytes(statSync(loc.path).size);
          console.log(`✓ ${id} → ${loc.path} (${size}, ${digest} verified)`);
        } catch (error) {
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
          failed++;
          const e = error instanceof AtelierError ? error : toAtelierError(error);
          console.error(`✗ ${e.userMessage}`);
          if (e.code === 'CANCELLED') break;
        }
      }
    } finally {
      process.off('SIGINT', onSignal);
    }
    return failed ? 1 : 0;
  },
};
export const { run } = command;
