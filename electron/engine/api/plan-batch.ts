/**
 * Turns what the UI sends (paths, an operation, params) into a batch the job queue runs: the same
 * input expansion and output naming as the CLI, so both hosts behave alike.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine';
import { expandInputs } from '../jobs/inputs';
import { planBatch } from '../jobs/plan';
import { ensureWritableDir } from '../jobs/output-dir';
import type { BatchSpec } from '../jobs/queue';
import type { OperationName } from '../operations';

export function expandForApi(paths: readonly string[], recursive: boolean) {
  const { files, missing } = expandInputs(paths, { recursive });
  return {
    files: files.map((f) => f.file),
    rejected: missing.map((m) => ({ path: m.file, message: m.error.userMessage })),
  };
}

export function planApiBatch(
  engine: Engine,
  request: {
    operation: OperationName;
    params: Record<string, unknown>;
    inputs: readonly string[];
    outputDir: string;
    template: string;
  },
): BatchSpec {
  // The UI never overwrites: a second run of the same photo gets "name (2).png".
  return planBatch(engine.bind(request.operation, request.params), {
    inputs: request.inputs,
    outputDir: request.outputDir,
    template: request.template,
    onConflict: 'suffix',
    recursive: true,
  });
}

/** A free output path for a regenerated item: `<name>-v2.png`, `-v3`… in the output folder. */
export function regenerationOutput(inputName: string | null, outputDir: string, format: unknown): string {
  ensureWritableDir(outputDir);
  const base = path.parse(inputName ?? 'image').name;
  const ext = format === 'jpeg' ? 'jpg' : typeof format === 'string' ? format : 'png';
  for (let n = 2; ; n++) {
    const candidate = path.join(path.resolve(outputDir), `${base}-v${n}.${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}
