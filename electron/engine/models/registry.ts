import { createReadStream, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtelierError } from '../errors';
import { readManifest, type ModelEntry } from './manifest';

export interface ModelLocation {
  entry: ModelEntry;
  /** Absolute path of the weight file (it may not exist yet). */
  path: string;
  /** 'bundled' from the app's models/ folder, 'custom' from the profile's models/ folder. */
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
 * Every model the engine can load: the bundled manifest plus the user's custom models folder
 * (a manifest.json beside their own .onnx files). A custom entry with the id of a bundled one wins,
 * so a user can point an id at a better file.
 */
export class ModelRegistry {
  private readonly byId = new Map<string, ModelLocation>();
  private readonly verified = new Map<string, string>();

  constructor(
    readonly modelsDir: string = defaultModelsDir(),
    readonly customDir?: string,
  ) {
    for (const entry of readManifest(path.join(modelsDir, 'manifest.json')).models) {
      this.byId.set(entry.id, { entry, path: path.join(modelsDir, entry.file), origin: 'bundled' });
    }
    const customManifest = customDir ? path.join(customDir, 'manifest.json') : undefined;
    if (customDir && customManifest && existsSync(customManifest)) {
      for (const entry of readManifest(customManifest).models) {
        this.byId.set(entry.id, { entry, path: path.join(customDir, entry.file), origin: 'custom' });
      }
    }
  }

  list(task?: ModelEntry['task']): ModelLocation[] {
    return [...this.byId.values()].filter((m) => !task || m.entry.task === task);
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
    const loc = this.byId.get(id);
    return !!loc && existsSync(loc.path);
  }

  get(id: string): ModelLocation {
    const loc = this.byId.get(id);
    if (!loc) {
      const known = [...this.byId.keys()].join(', ');
      throw new AtelierError('NOT_FOUND', `Unknown model "${id}"`, { hint: `known models: ${known}` });
    }
    return loc;
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
            ? 'run `npm run models` to fetch it'
            : `copy ${loc.entry.file} into ${this.customDir}`,
        file: loc.path,
      });
    }
    const stat = statSync(loc.path);
    const key = `${loc.path}:${stat.size}:${stat.mtimeMs}`;
    if (this.verified.get(loc.entry.id) === key) return loc;
    if (stat.size !== loc.entry.bytes) {
      throw new AtelierError(
        'MODEL_CORRUPT',
        `Model file ${loc.path} has ${stat.size} bytes, expected ${loc.entry.bytes}`,
        {
          hint: 'delete it and run `npm run models` again',
          file: loc.path,
        },
      );
    }
    const digest = await sha256File(loc.path);
    if (digest !== loc.entry.sha256) {
      throw new AtelierError('MODEL_CORRUPT', `Model file ${loc.path} fails its sha256 check`, {
        hint: 'delete it and run `npm run models` again',
        file: loc.path,
      });
    }
    this.verified.set(loc.entry.id, key);
    return loc;
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
