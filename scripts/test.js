// `npm test`: type-check and lint, the unit and integration tests (vitest), then the end-to-end suite
// (Playwright in Chromium). Each step runs and reports whatever the others' result; the summary lists
// all three and the exit status is non-zero if any failed. Runs inside a keyring session of its own
// where the machine has none (keyring-session.js).
import { spawnSync } from 'node:child_process';
import { inKeyringSession } from './keyring-session.js';

inKeyringSession();

const steps = [
  { name: 'check (types, lint, format)', cmd: 'npm', args: ['run', '--silent', 'check'] },
  { name: 'unit and integration (vitest)', cmd: 'npx', args: ['vitest', 'run'] },
  { name: 'end to end (Playwright)', cmd: 'node', args: ['scripts/e2e.js'] },
];

const results = [];
for (const step of steps) {
  console.log(`\n== ${step.name}`);
  const started = Date.now();
  const run = spawnSync(step.cmd, step.args, { stdio: 'inherit', shell: process.platform === 'win32' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0;
  results.push({ name: step.name, ok, seconds, status: run.status ?? run.signal ?? run.error?.message });
}

console.log('\n== npm test summary');
for (const r of results)
  console.log(
    `  ${r.ok ? 'passed' : 'FAILED'}  ${r.name}  (${r.seconds} s${r.ok ? '' : `, exit ${r.status}`})`,
  );
process.exit(results.every((r) => r.ok) ? 0 : 1);
