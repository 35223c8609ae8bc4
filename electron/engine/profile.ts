import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtelierError } from './errors';

/**
 * All local state (database, caches, custom models, settings) lives in one profile directory:
 * `--profile DIR`, else `ATELIER_HOME`, else the OS's per-user application data folder. The Electron
 * app and the CLI resolve the same default, so they share one history.
 */
export function defaultProfileDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Atelier');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Atelier');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'atelier');
}

export function resolveProfileDir(explicit?: string, env = process.env): string {
  const chosen = explicit ?? env.ATELIER_HOME ?? defaultProfileDir(process.platform, env);
  return path.resolve(chosen);
}

export interface ProfilePaths {
  root: string;
  database: string;
  customModels: string;
  cache: string;
  settings: string;
}

/**
 * Creates the profile folder if needed and checks it is writable, with an actionable error if not. On
 * POSIX the folder is the owner's alone (0700): it holds the history of every photo and the database.
 */
export function openProfile(dir: string): ProfilePaths {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    keepToOwner(dir, 0o700);
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw new AtelierError('OUTPUT_NOT_WRITABLE', `Profile folder is not writable: ${dir}`, {
      hint: 'choose another with --profile DIR or ATELIER_HOME, or fix its permissions',
      file: dir,
      cause,
    });
  }
  return profilePaths(dir);
}

/** Narrows a profile file or folder to its owner on POSIX (Windows profiles are per-user by ACL already). */
export function keepToOwner(file: string, mode: 0o700 | 0o600): void {
  if (process.platform === 'win32') return;
  const st = statSync(file);
  // Only what this user owns: a profile on a shared mount we do not own is left as it is.
  if ((st.mode & 0o777) !== mode && (process.getuid?.() === st.uid || process.getuid?.() === 0)) {
    chmodSync(file, mode);
  }
}

export function profilePaths(dir: string): ProfilePaths {
  return {
    root: dir,
    database: path.join(dir, 'atelier.db'),
    customModels: path.join(dir, 'models'),
    cache: path.join(dir, 'cache'),
    settings: path.join(dir, 'settings.json'),
  };
}
