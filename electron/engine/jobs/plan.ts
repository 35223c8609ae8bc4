/**
 * From what a person asked for (files and folders, an operation with bound params, an output folder,
 * a naming template) to the batch the queue runs: inputs expanded, outputs named, and every input
 * that cannot run (missing, unsupported, would overwrite itself…) recorded as a failed item with its
 * reason, so it shows in the summary. The CLI and the API both plan batches here.
 */
import path from 'node:path';
import { serializeError } from '../errors';
import type { BoundOperation } from '../operations/types';
import { expandInputs } from './inputs';
import { planOutputs, type ConflictPolicy } from './naming';
import { ensureWritableDir, type OutputDirPolicy } from './output-dir';
import type { BatchSpec } from './queue';

export interface BatchRequest {
  inputs: readonly string[];
  outputDir: string;
  template: string;
  onConflict: ConflictPolicy;
  recursive: boolean;
  /** Files and folders the expansion may look through (the API bounds it; absent: any tree). */
  maxEntries?: number | undefined;
  /** How the output folder is checked (the profile is always refused; the API creates less). */
  outputDirPolicy: OutputDirPolicy & { profileRoot: string };
}

export function planBatch(op: BoundOperation, request: BatchRequest): BatchSpec {
  const outDir = path.resolve(request.outputDir);
  ensureWritableDir(outDir, request.outputDirPolicy);
  const { files, missing } = expandInputs(request.inputs, {
    recursive: request.recursive,
    maxEntries: request.maxEntries,
  });
  const planned = planOutputs(files, {
    outDir,
    template: request.template,
    format: op.format,
    model: op.model,
    onConflict: request.onConflict,
  });
  return {
    operation: op.name,
    params: op.params as Record<string, unknown>,
    outputDir: outDir,
    items: [
      ...missing.map((m) => ({
        input: m.file,
        output: '',
        status: 'failed' as const,
        error: serializeError(m.error),
      })),
      ...planned.map((p) => ({
        input: p.input,
        output: p.output,
        status: p.status,
        ...(p.error ? { error: serializeError(p.error) } : {}),
        ...(p.note ? { note: p.note } : {}),
      })),
    ],
  };
}
