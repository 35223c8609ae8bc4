// `npm install` / `npm ci` end here: fetch and verify the models (scripts/models.ts --setup) from
// ATELIER_MODELS_MIRROR (a folder such as ../shared/models, or an http(s) URL) or each model's URL.
// Without a network and a mirror it says what is missing and how to fetch it, and the install still
// succeeds; ATELIER_SKIP_MODELS=1 skips the step (saying so).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

if (process.env.ATELIER_SKIP_MODELS === '1') {
  console.log('models: skipped (ATELIER_SKIP_MODELS=1); fetch them later with `npm run models -- --dev`');
  process.exit(0);
}
try {
  createRequire(import.meta.url).resolve('tsx');
} catch {
  console.log('models: not fetched (the development dependencies are not installed); run `npm install`');
  process.exit(0);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/models.ts', '--setup'], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
