import { parseArgs } from 'node:util';
import { ModelRegistry, defaultModelsDir } from '../models/registry';
import { openProfile, resolveProfileDir } from '../profile';
import type { CommandModule } from './command';

const command: CommandModule = {
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        json: { type: 'boolean' },
        dev: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      console.log(
        'Usage: atelier models [--json] [--dev] [--profile DIR]\nLists every model, its task, licence and whether it is installed.\n--dev also lists development-only models (never shipped: for tests).',
      );
      return 0;
    }
    const profile = openProfile(resolveProfileDir(values.profile));
    const registry = new ModelRegistry(defaultModelsDir(), profile.customModels);
    const rows = registry.listForUsers(values.dev ?? false).map((m) => ({
      id: m.entry.id,
      task: m.entry.task,
      installed: registry.isInstalled(m.entry.id),
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
      console.log(`${r.id.padEnd(20)} ${r.task.padEnd(6)} ${flags.padEnd(24)} ${r.name}`);
    }
    return 0;
  },
};
export const { run } = command;
