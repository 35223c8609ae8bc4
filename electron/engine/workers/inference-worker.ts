/**
 * The entry point of the inference thread (workers/inference.ts): onnxruntime only, so starting it
 * (once per process, before the first photo's inference) does not load the pixel pool's modules too.
 * scripts/build-engine.js bundles it beside pixel-worker.mjs; from the sources inference-worker.dev.mjs
 * loads it through tsx.
 */
import { inferenceImplementations } from './inference-tasks';
import { taskRunner } from './run-task';

export default taskRunner(inferenceImplementations);
