/**
 * The host's side of writing a history record on a pool thread (record-in-thread.ts says why): the
 * prepared record goes there without its raw image bytes (only what is stored travels), its Base64
 * buffers moved by transfer, not copied.
 */
import { pixelPool } from '../workers/shared-pool';
import { buffersOf } from '../workers/transfer';
import type { PreparedGeneration } from './generations';
import type { PreparedImage } from './images';
import type { RecordTaskInput } from './record-in-thread';
import type { GenerationRow } from './types';

export async function recordInPool(task: RecordTaskInput): Promise<GenerationRow> {
  const prepared = leanRecord(task.prepared);
  const out = await pixelPool().run('record', { ...task, prepared }, buffersOf(...storedBytes(prepared)), {
    file: task.prepared.input.inputName ?? 'the history record',
  });
  return out.generation;
}

/** The record as writeGeneration reads it: the caller's raw bytes (input, output, masks) stay here. */
function leanRecord(prepared: PreparedGeneration): PreparedGeneration {
  const { input: _input, output: _output, edit: _edit, ...rest } = prepared.input;
  return { ...prepared, input: rest };
}

function storedBytes(prepared: PreparedGeneration): (Uint8Array | undefined)[] {
  const images: (PreparedImage | null | undefined)[] = [
    prepared.inputImage,
    prepared.outputImage,
    prepared.edit?.modelMask,
    prepared.edit?.mask,
  ];
  return images.map((i) => (i && typeof i.base64 !== 'string' ? i.base64 : undefined));
}
