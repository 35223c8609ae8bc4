/**
 * The account commands as a person runs them: `atelier whoami|balance|login` in a child process on a
 * fresh profile. Anonymous use needs no license server; sign-in flags are checked before any network.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../testing/fixtures';

const tmp = tempDir('atelier-account-cli-');
afterAll(() => tmp.cleanup());

function atelier(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'electron/engine/cli.ts'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, ATELIER_SERVER_URL: '', ATELIER_SERVER_PUBLIC_KEY: '', ...env },
      timeout: 60_000,
      input: '',
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('atelier account commands (anonymous)', () => {
  const profile = ['--profile', path.join(tmp.dir, 'p')];

  it('whoami and balance report the free quota without any server configured', () => {
    const who = atelier(['whoami', '--json', ...profile]);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toEqual({ signedIn: false, quota: { used: 0, limit: 10 } });
    const balance = atelier(['balance', ...profile]);
    expect(balance.stdout).toMatch(/10 of 10 free generations left today/);
  });

  it('login without a configured server says how to configure one (exit 1)', () => {
    const r = atelier(['login', '--no-keep-history', '--no-browser', ...profile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No license server is configured — set ATELIER_SERVER_URL/);
  });

  it('contradictory history flags are a usage error (exit 1)', () => {
    const r = atelier(['login', '--keep-history', '--no-keep-history', ...profile], {
      ATELIER_SERVER_URL: 'http://127.0.0.1:9',
      ATELIER_SERVER_PUBLIC_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/contradict/);
  });

  it('logout when not signed in says there is nothing to sign out of', () => {
    const r = atelier(['logout', ...profile], {
      ATELIER_SERVER_URL: 'http://127.0.0.1:9',
      ATELIER_SERVER_PUBLIC_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Not signed in/);
  });
});
