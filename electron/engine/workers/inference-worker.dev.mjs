// The inference thread's entry when the engine runs from its TypeScript sources (see pixel-worker.dev.mjs).
import { register } from 'tsx/esm/api';

register();
const entry = await import('./inference-worker.ts');
export default entry.default;
