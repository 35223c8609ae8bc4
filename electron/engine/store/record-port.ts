/**
 * The host's side of writing a history record on a pool thread (record-in-thread.ts says why): the
 * prepared record goes there without its raw image bytes (only what is stored travels), its Base64
 * buffers moved by transfer, not copied. A small record (under 1 MB stored) is written on the host's
 * own connection instead: the hop to a thread and a new connection cost more than its few-ms write.
 * Either way the record takes its turn at the file (write-turns.ts), so the engine's own writes queue
 * behind a record in flight instead of sleeping in SQLite's busy handler.
 */
import { pixelPool } from '../workers/shared-pool';
import { buffersOf } from '../workers/transfer';
import type { PreparedGeneration } from './generations';
import type { PreparedImage } from './images';
import { writeRecord, type RecordTaskInput } from './record-in-thread';
import type { Db } from './database';
import type { GenerationRow } from './types';
import { writeTurns } from './write-turns';

const HOST_RECORD_BYTES = 1 << 20;

/** Writes the record where it costs the host's thread least: see the module's comment. */
export function recordGenerationRow(host: Db, task: RecordTaskInput): Promise<GenerationRow> {
  const stored = storedBytes(task.prepared);
  const turns = writeTurns(task.file);
  if (stored.reduce((n, b) => n + (b?.length ?? 0), 0) < HOST_RECORD_BYTES) {
    return turns.take(() => writeRecord(host, task));
  }
  const transfer = buffersOf(...stored.filter((b): b is Uint8Array => typeof b !== 'string'));
  const prepared = leanRecord(task.prepared);
  return turns.take(async () => {
    const out = await pixelPool().run('record', { ...task, prepared }, transfer, {
      file: task.prepared.input.inputName ?? 'the history record',
    });
    return out.generation;
  });
}

/** The record as writeGeneration reads it: the caller's raw bytes (input, output, masks) stay here. */
function leanRecord(prepared: PreparedGeneration): PreparedGeneration {
  const { input: _input, output: _output, edit: _edit, ...rest } = prepared.input;
  return { ...prepared, input: rest };
}

/** The stored Base64 of each image, as bytes (from the pool) or text (small images made here). */
function storedBytes(prepared: PreparedGeneration): (Uint8Array | string | undefined)[] {
  const images: (PreparedImage | null | undefined)[] = [
    prepared.inputImage,
    prepared.outputImage,
    prepared.edit?.modelMask,
    prepared.edit?.mask,
  ];
  return images.map((i) => i?.base64);
}
