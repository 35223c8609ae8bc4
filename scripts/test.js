// `npm test`: type-check and lint, the unit and integration tests (vitest), then the end-to-end suite
// (Playwright in Chromium). Each step runs and reports whatever the others' result; the summary lists
// all three, names every failed test (CI keeps only the output's tail, so a failure far above it would
// otherwise be lost), and the exit status is non-zero if any failed. Runs inside a keyring session of
// its own where the machine has none (keyring-session.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inKeyringSession } from './keyring-session.js';
import { failedTests } from './test-failures.js';

inKeyringSession();

const reports = mkdtempSync(join(tmpdir(), 'atelier-test-report-'));
const vitestReport = join(reports, 'vitest.json');
const playwrightReport = join(reports, 'playwright.json');

const steps = [
  { name: 'check (types, lint, format)', cmd: 'npm', args: ['run', '--silent', 'check'] },
  {
    name: 'unit and integration (vitest)',
    cmd: 'npx',
    args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    report: vitestReport,
  },
  {
    name: 'end to end (Playwright)',
    cmd: 'node',
    args: ['scripts/e2e.js'],
    env: { ATELIER_E2E_REPORT: playwrightReport },
    report: playwrightReport,
  },
];

const results = [];
for (const step of steps) {
  console.log(`\n== ${step.name}`);
  const started = Date.now();
  const run = spawnSync(step.cmd, step.args, {
    stdio: 'inherit',
    shell: process.platform === 'win32',
    env: { ...process.env, ...step.env },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0;
  const failures = ok || !step.report ? [] : failedTests(readReport(step.report));
  results.push({
    name: step.name,
    ok,
    seconds,
    status: run.status ?? run.signal ?? run.error?.message,
    failures,
  });
}
rmSync(reports, { recursive: true, force: true });

console.log('\n== npm test summary');
for (const r of results) {
  console.log(
    `  ${r.ok ? 'passed' : 'FAILED'}  ${r.name}  (${r.seconds} s${r.ok ? '' : `, exit ${r.status}`})`,
  );
  for (const f of r.failures) console.log(`      ✗ ${f}`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);

function readReport(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // the step died before writing it: its own output above says why
  }
}
