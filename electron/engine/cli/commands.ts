/**
 * The table of CLI commands. Each entry imports its module lazily (so `atelier --help` starts without
 * loading onnxruntime or sharp); add one line here for a new command.
 */
import type { CommandModule } from './command';

export const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  models: {
    summary: 'list models, their licences and whether they are installed',
    load: () => import('./models-command'),
  },
};
