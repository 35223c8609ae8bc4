import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtelierError } from '../errors';
import { modelFileProblem } from './checksum';
import { readManifest, type ModelEntry } from './manifest';

export interface ModelLocation {
  entry: ModelEntry;
  /** Absolute path of the weight file (it may not exist yet: then where an install puts it). */
  path: string;
  /** 'bundled' from the app's manifest, 'custom' from the profile's own manifest. */
  origin: 'bundled' | 'custom';
}

/**
 * Finds the app's models/ folder: ATELIER_MODELS_DIR, else the nearest ancestor of this module (or of
 * the bundled dist/ file) that holds models/manifest.json.
 */
export function defaultModelsDir(env = process.env): string {
  if (env.ATELIER_MODELS_DIR) return path.resolve(env.ATELIER_MODELS_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'models', 'manifest.json');
    if (existsSync(candidate)) return path.dirname(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve('models');
    dir = parent;
  }
}

/**
 * Every model the engine can load: the app's manifest plus the user's custom models folder (a
 * manifest.json beside their own .onnx files). A custom entry with the id of a bundled one wins, so a
 * user can point an id at a better file. The profile's models folder is also where `atelier models
 * install` puts the app's catalog models (and repaired copies of bundled ones, since an installed
 * app's own folder is read-only): a file there wins over the app's copy.
 */
export class ModelRegistry {
  private readonly byId = new Map<string, { entry: ModelEntry; origin: ModelLocation['origin'] }>();
  private readonly verified = new Map<string, string>();

  constructor(
    readonly modelsDir: string = defaultModelsDir(),
    readonly customDir?: string,
  ) {
    for (const entry of readManifest(path.join(modelsDir, 'manifest.json')).models) {
      this.byId.set(entry.id, { entry, origin: 'bundled' });
    }
    const customManifest = customDir ? path.join(customDir, 'manifest.json') : undefined;
    if (customDir && customManifest && existsSync(customManifest)) {
      for (const entry of readManifest(customManifest).models) {
        this.byId.set(entry.id, { entry, origin: 'custom' });
      }
    }
  }

  /** Where a model's weights are read from, or where an install writes them when absent. */
  private locate(entry: ModelEntry, origin: ModelLocation['origin']): ModelLocation {
    const inProfile = this.customDir ? path.join(this.customDir, entry.file) : undefined;
    if (origin === 'custom' || (inProfile && existsSync(inProfile)))
      return { entry, origin, path: inProfile ?? path.join(this.modelsDir, entry.file) };
    const inApp = path.join(this.modelsDir, entry.file);
    const target = entry.bundle || !inProfile ? inApp : inProfile;
    return { entry, origin, path: existsSync(inApp) ? inApp : target };
  }

  /** The folder `atelier models install` writes to: the profile's, else (no profile) the app's. */
  get installDir(): string {
    return this.customDir ?? this.modelsDir;
  }

  list(task?: ModelEntry['task']): ModelLocation[] {
    return [...this.byId.values()]
      .filter((m) => !task || m.entry.task === task)
      .map((m) => this.locate(m.entry, m.origin));
  }

  /**
   * What a user is shown (the UI's pickers, `atelier models`): development-only models — weights
   * we may use in tests but never ship — only when a developer asked for them.
   */
  listForUsers(showDevelopment: boolean): ModelLocation[] {
    return this.list().filter((m) => showDevelopment || m.entry.commercialUse);
  }

  /** Installed = the weight file is present (not yet verified). */
  isInstalled(id: string): boolean {
    const known = this.byId.get(id);
    return !!known && existsSync(this.locate(known.entry, known.origin).path);
  }

  get(id: string): ModelLocation {
    const known = this.byId.get(id);
    if (!known) {
      const ids = [...this.byId.keys()].join(', ');
      throw new AtelierError('NOT_FOUND', `Unknown model "${id}"`, { hint: `known models: ${ids}` });
    }
    return this.locate(known.entry, known.origin);
  }

  /**
   * Resolves a model and checks its file once per process (size, then sha256), so a truncated
   * download or a swapped file is caught before onnxruntime gives an obscure error.
   */
  async locateVerified(id: string): Promise<ModelLocation> {
    const loc = this.get(id);
    if (!existsSync(loc.path)) {
      throw new AtelierError('MODEL_MISSING', `Model "${id}" is not installed (${loc.entry.file})`, {
        hint:
          loc.origin === 'bundled'
            ? `install it: \`atelier models install ${id}\` (or Settings ▸ Models)`
            : `copy ${loc.entry.file} into ${this.customDir}`,
        file: loc.path,
      });
    }
    const stat = statSync(loc.path);
    const key = `${loc.path}:${stat.size}:${stat.mtimeMs}`;
    if (this.verified.get(loc.entry.id) === key) return loc;
    const problem = await modelFileProblem(loc.path, loc.entry);
    if (problem) {
      throw new AtelierError('MODEL_CORRUPT', `Model file ${loc.path} ${problem}`, {
        hint: `reinstall it: \`atelier models install ${id}\``,
        file: loc.path,
      });
    }
    this.verified.set(loc.entry.id, key);
    return loc;
  }
}
