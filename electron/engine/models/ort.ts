import type * as Ort from 'onnxruntime-node';

let ortModule: Promise<typeof Ort> | undefined;
/** onnxruntime is loaded on first use so that `atelier --help` and non-model commands start fast. */
export function loadOrt(): Promise<typeof Ort> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => ((m as unknown as { default?: typeof Ort }).default ?? m) as typeof Ort,
  );
  return ortModule;
}
