// Types for test-failures.js, which `npm test` runs in plain Node.
export function failedTests(report: unknown): string[];
