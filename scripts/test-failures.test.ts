// `npm test` names the failed tests under its summary, read from the reports of real vitest and
// Playwright runs of a failing, a passing and a broken test file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { failedTests } from './test-failures.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const vitestSpec = `import { describe, expect, test } from 'vitest';
describe('group', () => {
  test('adds up', () => expect(1 + 1).toBe(3));
  test('passes', () => expect(1).toBe(1));
});
`;
const playwrightSpec = vitestSpec
  .replace(
    "import { describe, expect, test } from 'vitest';",
    "import { expect, test } from '@playwright/test';",
  )
  .replace('describe(', 'test.describe(');

test('a vitest report names each failed test and a file that failed to load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-failures-'));
  made.push(dir);
  writeFileSync(join(dir, 'sums.test.ts'), vitestSpec);
  writeFileSync(join(dir, 'broken.test.ts'), "import './not-there';\n");
  const report = join(dir, 'report.json');
  const run = spawnSync('npx', [
    'vitest',
    'run',
    '--root',
    dir,
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  expect(run.status).not.toBe(0);

  const lines = failedTests(JSON.parse(readFileSync(report, 'utf8')));
  expect(lines).toHaveLength(2);
  expect(lines.find((l) => l.includes('sums.test.ts'))).toMatch(
    /group adds up: AssertionError: expected 2 to be 3/,
  );
  expect(lines.find((l) => l.includes('broken.test.ts'))).toMatch(/not-there/);
});

test('a Playwright report names each failed test with its file, line and groups', () => {
  // Inside the repository, where the spec resolves @playwright/test.
  const dir = mkdtempSync(join(process.cwd(), '.failures-'));
  made.push(dir);
  writeFileSync(join(dir, 'sums.spec.ts'), playwrightSpec);
  const report = join(dir, 'report.json');
  writeFileSync(
    join(dir, 'config.ts'),
    `export default { testDir: '.', reporter: [['json', { outputFile: ${JSON.stringify(report)} }]] };\n`,
  );
  const run = spawnSync('npx', ['playwright', 'test', '-c', join(dir, 'config.ts')]);
  expect(run.status).not.toBe(0);

  expect(failedTests(JSON.parse(readFileSync(report, 'utf8')))).toEqual([
    expect.stringMatching(/^sums\.spec\.ts:3 › group › adds up: Error: expect\(received\)\.toBe\(expected\)/),
  ]);
});

test('no report (the step died before writing one) names nothing', () => {
  expect(failedTests(undefined)).toEqual([]);
});
