/**
 * The entry point of the engine's pool threads (piscina loads it in each worker; scripts/build-engine.js
 * bundles it as its own file beside the engine's bundles; from the sources, pixel-worker.dev.mjs loads it
 * through tsx). The inference thread has its own, lighter entry (inference-worker.ts).
 */
import { taskRunner } from './run-task';
import { implementations } from './tasks';

export default taskRunner(implementations);
