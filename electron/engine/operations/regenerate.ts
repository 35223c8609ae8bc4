/**
 * Runs a history item again from its stored original with changed parameters, charges it like any
 * generation, and records the result linked to its source. Shared by `atelier history regenerate` and
 * the UI's regenerate button (one implementation, not two).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtelierError } from '../errors';
import type { GenerationCharge, ChargePort } from './charge-port';
import type { GenerationRow, Store } from '../store';
import type { BoundOperation, OperationName, OperationResult } from './types';
import { EXT_BY_MIME, MIME_BY_FORMAT } from '../imaging/mime';

const OPERATIONS: readonly OperationName[] = ['cutout', 'background', 'stylize', 'compose'];

export interface RegenerateDeps {
  store: Store;
  charges: ChargePort | undefined;
  bind(operation: OperationName, params: unknown): BoundOperation;
  runOne(op: BoundOperation, input: string, output: string): Promise<OperationResult>;
}

export async function regenerateGeneration(
  deps: RegenerateDeps,
  id: number,
  changes: Record<string, unknown>,
  output: string,
): Promise<GenerationRow> {
  const regen = deps.store.prepareRegeneration(id, changes);
  const operation = OPERATIONS.find((o) => o === regen.operation);
  if (!operation) {
    throw new AtelierError(
      'USAGE',
      `Item ${id} was made by "${regen.operation}", which this version cannot run`,
      {
        hint: 'update Atelier',
      },
    );
  }
  const op = deps.bind(operation, regen.params);
  const charge: GenerationCharge | undefined = await deps.charges?.authorize(operation);
  const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-regen-'));
  try {
    const ext = EXT_BY_MIME[regen.input.mime] ?? 'png';
    const input = path.join(work, `${path.parse(regen.inputName ?? 'original').name}.${ext}`);
    writeFileSync(input, regen.input.bytes);
    const result = await deps.runOne(op, input, output);
    const done = result.status === 'done';
    return await deps.store.recordGeneration(
      {
        operation,
        params: op.params as Record<string, unknown>,
        model: result.model ?? null,
        provider: result.provider?.used ?? null,
        timings: { ...result.timings },
        status: done ? 'done' : 'failed',
        error: done ? null : (result.error?.message ?? result.note ?? result.status),
        inputName: regen.inputName,
        input: { bytes: regen.input.bytes },
        output: done ? { bytes: readFileSync(output), mime: MIME_BY_FORMAT[op.format] ?? 'image/png' } : null,
        sourceGenerationId: id,
      },
      // Nothing is charged for a failed generation.
      done ? charge?.debit : undefined,
      done ? charge?.options : undefined,
    );
  } finally {
    charge?.release();
    rmSync(work, { recursive: true, force: true });
  }
}
