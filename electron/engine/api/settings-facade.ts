/**
 * The settings the UI edits, kept in the store's settings table (per account, so privacy mode and
 * retention follow the account). Defaults are what a designer expects on first start.
 */
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine';
import { assertOutsideProfile } from '../store/write-targets';
import type { Store } from '../store';
import type { Settings } from './contract';

const KEY = 'ui.settings';

/** The Threads setting as onnxruntime's intra-op thread count (0 or unset: all cores, defaultIntraOpThreads). */
export function storedThreads(store: Store): number | undefined {
  const threads = ((store.getSetting(KEY) ?? {}) as Partial<Settings>).threads;
  return typeof threads === 'number' && threads > 0 ? threads : undefined;
}

/** The Worker threads setting (0 or unset: sized from the machine's cores), read when an engine opens. */
export function storedWorkerThreads(store: Store): number | undefined {
  const threads = ((store.getSetting(KEY) ?? {}) as Partial<Settings>).workerThreads;
  return typeof threads === 'number' && threads > 0 ? threads : undefined;
}

export function defaultOutputDir(env = process.env): string {
  return env.ATELIER_OUTPUT_DIR
    ? path.resolve(env.ATELIER_OUTPUT_DIR)
    : path.join(os.homedir(), 'Pictures', 'Atelier');
}

export class SettingsFacade {
  constructor(private readonly engine: Engine) {}

  get(): Settings {
    const stored = (this.engine.store.getSetting(KEY) ?? {}) as Partial<Settings>;
    return {
      provider: stored.provider ?? this.engine.provider,
      threads: stored.threads ?? 0,
      workerThreads: stored.workerThreads ?? 0,
      analytics: stored.analytics ?? false,
      outputDir: stored.outputDir ?? defaultOutputDir(),
      naming: stored.naming ?? '{name}.{ext}',
      theme: stored.theme ?? 'system',
      studio: stored.studio ?? {},
      developerModels: stored.developerModels ?? false,
      confirmSpending: stored.confirmSpending ?? true,
      retentionDays: this.engine.store.retentionDays(),
      privacyMode: this.engine.store.privacyMode(),
    };
  }

  set(changes: Partial<Settings>): Settings {
    const { retentionDays, privacyMode, ...rest } = changes;
    if (retentionDays !== undefined) this.engine.store.setRetentionDays(retentionDays);
    if (privacyMode !== undefined) this.engine.store.setPrivacyMode(privacyMode);
    // Outputs never go into the profile (the history database and its staging live there).
    if (rest.outputDir !== undefined) assertOutsideProfile(rest.outputDir, this.engine.paths.root, 'outputs');
    const stored = (this.engine.store.getSetting(KEY) ?? {}) as Partial<Settings>;
    this.engine.store.setSetting(KEY, { ...stored, ...rest });
    return this.get();
  }

  /** Params every operation gets unless the request says otherwise. */
  operationDefaults(): Record<string, unknown> {
    return { provider: this.get().provider };
  }
}
