/**
 * Turns what the UI sends (paths, an operation, params) into a batch the job queue runs: the same
 * input expansion and output naming as the CLI, so both hosts behave alike.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { serializeError } from '../errors';
import type { Engine } from '../engine';
import { expandInputs, isImageName } from '../cli/inputs';
import { planOutputs } from '../cli/naming';
import { ensureWritableDir } from '../cli/output-dir';
import type { BatchSpec } from '../jobs/queue';
import type { OperationName } from '../operations';
import type { Regeneration } from '../store';

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
  const op = engine.bind(request.operation, request.params);
  const outDir = path.resolve(request.outputDir);
  ensureWritableDir(outDir);
  const { files, missing } = expandInputs(request.inputs, { recursive: true });
  const planned = planOutputs(files, {
    outDir,
    template: request.template,
    format: op.format,
    model: op.model,
    onConflict: 'suffix',
  });
  return {
    operation: request.operation,
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

const EXT_BY_MIME: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** Writes a stored original to the profile's staging folder so it can run as a one-item batch. */
export function stageRegenerationInput(
  engine: Engine,
  regeneration: Regeneration,
  outputDir: string,
): BatchSpec {
  const dir = path.join(engine.paths.root, 'staging', randomUUID());
  mkdirSync(dir, { recursive: true });
  const base = path.parse(regeneration.inputName ?? 'original').name;
  const input = path.join(dir, `${base}.${EXT_BY_MIME[regeneration.input.mime] ?? 'png'}`);
  writeFileSync(input, regeneration.input.bytes);
  return planApiBatch(engine, {
    operation: regeneration.operation as OperationName,
    params: regeneration.params,
    inputs: [input],
    outputDir,
    template: '{name}.{ext}',
  });
}

/** Where uploads from a browser (which has no file paths) are staged: the profile, never elsewhere. */
export function stageUpload(engine: Engine, name: string, bytes: Buffer): string {
  // Only the last path segment, without characters Windows refuses in file names or control characters.
  const safe =
    [...path.basename(name)]
      .map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c))
      .join('') || 'image';
  const dir = path.join(engine.paths.root, 'staging', randomUUID());
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, isImageName(safe) || safe.includes('.') ? safe : `${safe}.png`);
  writeFileSync(file, bytes);
  return file;
}
