/**
 * Checks that a style model's file matches its manifest entry before any pixel is processed, so a
 * wrong entry (size, layout, meaning) fails with one clear line instead of a garbled picture or an
 * onnxruntime shape error halfway through a batch.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { AtelierError } from '../errors';
import type { ProviderRequest } from '../models/providers';
import type { LoadedModel, ModelSessions } from '../models/sessions';

export interface StyleModelShape {
  /** Fixed spatial size the file demands, or 'dynamic'. */
  size: { width: number; height: number } | 'dynamic';
  /** Whether several tiles can go through in one run ([N,3,H,W] with a symbolic N). */
  dynamicBatch: boolean;
}

type Dim = number | string;

function tensorShape(
  meta: readonly InferenceSession.ValueMetadata[],
  name: string,
): readonly Dim[] | undefined {
  const found = meta.find((m) => m.name === name);
  return found && found.isTensor && found.shape.length > 0 ? found.shape : undefined;
}

/** A symbolic dimension ('None', 'batch') or -1 accepts any size. */
function isFixed(d: Dim | undefined): d is number {
  return typeof d === 'number' && d > 0;
}

function spatial(shape: readonly Dim[], layout: 'NCHW' | 'NHWC'): { c: Dim; h: Dim; w: Dim } {
  return layout === 'NCHW'
    ? { c: shape[1]!, h: shape[2]!, w: shape[3]! }
    : { c: shape[3]!, h: shape[1]!, w: shape[2]! };
}

export function checkStyleContract(model: LoadedModel): StyleModelShape {
  const { entry, session, inputName, outputName } = model;
  const fail = (what: string, hint = `fix the entry "${entry.id}" in the models manifest`) =>
    new AtelierError('MODEL_CONTRACT', `Style model "${entry.id}" (${entry.file}): ${what}`, {
      hint,
      file: entry.file,
    });

  if (entry.task !== 'style') {
    throw new AtelierError('USAGE', `Model "${entry.id}" is a ${entry.task} model, not a style model`, {
      hint: 'pick a style model (see `atelier models`)',
    });
  }
  if (entry.output.meaning !== 'rgb')
    throw fail(`output.meaning is "${entry.output.meaning}", a style model outputs "rgb"`);

  const input = tensorShape(session.inputMetadata, inputName);
  const output = tensorShape(session.outputMetadata, outputName);
  // Files without shape information cannot be checked ahead; the run itself will then validate sizes.
  if (!input) return { size: entry.input.size, dynamicBatch: false };
  if (input.length !== 4)
    throw fail(`input "${inputName}" has rank ${input.length}, expected 4 (${entry.input.layout})`);

  const dims = spatial(input, entry.input.layout);
  if (isFixed(dims.c) && dims.c !== 3) {
    throw fail(
      `input "${inputName}" has ${dims.c} channels where layout ${entry.input.layout} puts colour, expected 3`,
      'fix input.layout (NCHW or NHWC) in its manifest entry',
    );
  }
  const fileSize = isFixed(dims.w) && isFixed(dims.h) ? { width: dims.w, height: dims.h } : 'dynamic';
  const declared = entry.input.size;
  const describe = (s: typeof declared) => (s === 'dynamic' ? 'dynamic' : `${s.width}×${s.height}`);
  const sameSize =
    declared === 'dynamic'
      ? fileSize === 'dynamic'
      : fileSize === 'dynamic' || (fileSize.width === declared.width && fileSize.height === declared.height);
  if (!sameSize) {
    throw fail(
      `the manifest says input size ${describe(declared)} but the file's input "${inputName}" is ${describe(fileSize)}`,
      `set input.size to ${fileSize === 'dynamic' ? '"dynamic"' : JSON.stringify(fileSize)} in its manifest entry`,
    );
  }

  if (output) {
    if (output.length !== 4) throw fail(`output "${outputName}" has rank ${output.length}, expected 4`);
    const out = spatial(output, entry.output.layout);
    if (isFixed(out.c) && out.c !== 3) {
      throw fail(
        `output "${outputName}" has ${out.c} channels where layout ${entry.output.layout} puts colour, expected 3`,
      );
    }
  }
  return { size: declared, dynamicBatch: !isFixed(input[0]) };
}

/** Loads a style model and checks its contract (sizes, layout, batch) against the file. */
export async function loadStyleModel(
  sessions: ModelSessions,
  id: string,
  provider: ProviderRequest,
): Promise<{ model: LoadedModel; shape: StyleModelShape }> {
  const model = await sessions.load(id, provider);
  return { model, shape: checkStyleContract(model) };
}
