/**
 * Skips that fail loudly: a test that cannot run here (no keychain, a development model not installed)
 * says why and skips on a developer's machine, but in CI (`.ci/run` exports CI=true) it is a failure,
 * because there everything it needs is installed on purpose.
 */
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Throws in CI when `problem` is set; elsewhere prints it. Returns whether the test should skip. */
export function skipUnlessCI(problem: string | null | undefined, what: string): boolean {
  if (!problem) return false;
  if (inCI) throw new Error(`${what} cannot be skipped in CI: ${problem}`);
  console.warn(`[skip] ${what}: ${problem}`);
  return true;
}
