// The failed tests named in a vitest JSON report (jest's shape) or a Playwright JSON report, one line
// each: where, which test, and the first line of why. `npm test` prints them under its summary.

/** @param {unknown} report @returns {string[]} */
export function failedTests(report) {
  if (!report || typeof report !== 'object') return [];
  if ('testResults' in report) return vitestFailures(report);
  if ('suites' in report) return playwrightFailures(report);
  return [];
}

function vitestFailures(report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const where = relative(file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failed)
      lines.push(`${where} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    // A file that failed outside any test (an import error, a failing hook) has only its own message.
    if (failed.length === 0 && file.status === 'failed') lines.push(`${where}: ${firstLine(file.message)}`);
  }
  return lines;
}

function playwrightFailures(report) {
  const lines = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok !== false) continue;
      const results = (spec.tests ?? []).flatMap((t) => t.results ?? []);
      const error = results.map((r) => r.error?.message).find(Boolean);
      lines.push(`${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}: ${firstLine(error)}`);
    }
    for (const child of suite.suites ?? [])
      walk(child, child.file === child.title ? titles : [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  for (const error of report.errors ?? []) lines.push(`(outside any test): ${firstLine(error.message)}`);
  return lines;
}

function relative(path = '') {
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

// eslint-disable-next-line no-control-regex -- ESC is what a colour code starts with
const COLOUR_CODE = /\u001b\[[0-9;]*m/g;

function firstLine(message) {
  // The reporters keep the terminal's colour codes.
  const text = String(message ?? 'no message')
    .replace(COLOUR_CODE, '')
    .trim();
  const line = text.split('\n')[0];
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}
