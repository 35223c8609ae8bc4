/**
 * Turns what the UI sends (paths, an operation, params) into a batch the job queue runs: the same
 * input expansion and output naming as the CLI, so both hosts behave alike. The local API is stricter
 * than the CLI, since anything holding serve's token can call it: a path that is missing and one that
 * cannot be read get the same answer (no probing which files exist), outputs never go into the profile,
 * and only the output folder named in Settings is created if missing.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AtelierError, serializeError } from '../errors';
import type { Engine } from '../engine';
import { expandInputs } from '../jobs/inputs';
import { planBatch } from '../jobs/plan';
import { ensureWritableDir } from '../jobs/output-dir';
import type { BatchSpec } from '../jobs/queue';
import type { OperationName } from '../operations';

/** Splits the paths into those that exist and can be read, and the rest, all refused alike. */
function screenInputs(paths: readonly string[]): { usable: string[]; refused: AtelierError[] } {
  const usable: string[] = [];
  const refused: AtelierError[] = [];
  for (const given of paths) {
    const abs = path.resolve(given);
    try {
      const dir = statSync(abs).isDirectory();
      accessSync(abs, dir ? constants.R_OK | constants.X_OK : constants.R_OK);
      usable.push(abs);
    } catch {
      refused.push(
        new AtelierError('NOT_FOUND', `Cannot open ${abs}: it does not exist or cannot be read`, {
          hint: 'check the path and its permissions',
          file: abs,
        }),
      );
    }
  }
  return { usable, refused };
}

/**
 * Files and folders one API call may walk through when expanding dropped folders: a drop of `/` or a home
 * folder is a clear error in a second or two, not minutes of the engine reading the disk.
 */
export const API_MAX_FOLDER_ENTRIES = 100_000;

export function expandForApi(paths: readonly string[], recursive: boolean) {
  const { usable, refused } = screenInputs(paths);
  const { files, missing } = expandInputs(usable, { recursive, maxEntries: API_MAX_FOLDER_ENTRIES });
  return {
    files: files.map((f) => f.file),
    rejected: [...refused, ...missing.map((m) => m.error)].map((e) => ({
      path: e.file ?? '',
      message: e.userMessage,
    })),
  };
}

export function planApiBatch(
  engine: Engine,
  request: {
    operation: OperationName;
    params: Record<string, unknown>;
    inputs: readonly string[];
    outputDir: string;
    /** The output folder named in Settings: the only one created when missing. */
    settingsOutputDir: string;
    template: string;
  },
): BatchSpec {
  const { usable, refused } = screenInputs(request.inputs);
  // The UI never overwrites: a second run of the same photo gets "name-1.png".
  const spec = planBatch(engine.bind(request.operation, request.params), {
    inputs: usable,
    outputDir: request.outputDir,
    template: request.template,
    onConflict: 'suffix',
    recursive: true,
    maxEntries: API_MAX_FOLDER_ENTRIES,
    outputDirPolicy: {
      profileRoot: engine.paths.root,
      create: path.resolve(request.outputDir) === path.resolve(request.settingsOutputDir),
      uniformErrors: true,
    },
  });
  const failed = refused.map((e) => ({
    input: e.file ?? '',
    output: '',
    status: 'failed' as const,
    error: serializeError(e),
  }));
  return { ...spec, items: [...failed, ...spec.items] };
}

/** A free output path for a regenerated item: `<name>-v2.png`, `-v3`… in the output folder. */
export function regenerationOutput(
  engine: Engine,
  inputName: string | null,
  outputDir: string,
  format: unknown,
): string {
  ensureWritableDir(outputDir, { profileRoot: engine.paths.root, uniformErrors: true });
  const base = path.parse(inputName ?? 'image').name;
  const ext = format === 'jpeg' ? 'jpg' : typeof format === 'string' ? format : 'png';
  for (let n = 2; ; n++) {
    const candidate = path.join(path.resolve(outputDir), `${base}-v${n}.${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}
