/**
 * The table of CLI commands. Each entry imports its module lazily (so `atelier --help` starts without
 * loading onnxruntime or sharp); add one line here for a new command.
 */
import type { CommandModule } from './command';

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
  /** Runs models: the inference thread starts before the command's modules load (cli.ts). */
  runsModels?: true;
}

export const commands: Record<string, CommandEntry> = {
  cutout: {
    summary: 'remove (or replace) backgrounds of files and folders',
    load: () => import('./cutout-command'),
    runsModels: true,
  },
  stylize: {
    summary: 'restyle photos with a style model',
    load: () => import('./stylize-command'),
    runsModels: true,
  },
  compose: {
    summary: 'place cut-out subjects with a reference picture',
    load: () => import('./compose-command'),
    runsModels: true,
  },
  watch: {
    summary: 'process images as they land in a folder',
    load: () => import('./watch-command'),
    runsModels: true,
  },
  serve: {
    summary: 'serve the UI and the API on 127.0.0.1 (for a browser or automation)',
    load: () => import('./serve-command'),
  },
  models: {
    summary: 'list, install (--mirror URL) or remove models',
    load: () => import('./models-command'),
  },
  history: {
    summary: 'list, show, export, delete, regenerate or back up your history',
    load: () => import('./history-command'),
  },
  login: {
    summary: 'sign in through your browser',
    load: () => import('./account-command').then((m) => m.accountCommand('login')),
  },
  logout: {
    summary: 'sign out and remove the sign-in from the keychain',
    load: () => import('./account-command').then((m) => m.accountCommand('logout')),
  },
  whoami: {
    summary: 'show the current account',
    load: () => import('./account-command').then((m) => m.accountCommand('whoami')),
  },
  balance: {
    summary: 'sync and show your token balance',
    load: () => import('./account-command').then((m) => m.accountCommand('balance')),
  },
  buy: {
    summary: 'buy tokens (opens the checkout in your browser)',
    load: () => import('./account-command').then((m) => m.accountCommand('buy')),
  },
};
