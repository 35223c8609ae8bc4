// The pool's thread entry when the engine runs from its TypeScript sources (vitest, tsx, benchmarks):
// registers tsx's loader in this thread (Node 20 does not apply `--import` from a worker's execArgv),
// then loads the real entry. Bundles use dist/pixel-worker.mjs instead (scripts/build-engine.js).
import { register } from 'tsx/esm/api';

register();
const entry = await import('./pixel-worker.ts');
export default entry.default;
