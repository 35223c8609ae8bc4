/**
 * The real OS keychain through keytar. Needs a D-Bus session with a Secret Service (CI runs the tests
 * under dbus-run-session with an unlocked gnome-keyring); without one this file says why and skips,
 * except in CI where a missing keychain is a failure.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { skipUnlessCI } from '../testing/ci';
import { keychainProblem } from '../testing/keychain';
import { KeytarCredentialStore, keychainService } from './credentials';

const problem = await keychainProblem();
skipUnlessCI(problem, 'keychain tests');

describe.skipIf(problem !== null)('KeytarCredentialStore (real keychain)', () => {
  const service = keychainService(`http://127.0.0.1:${40000 + Math.floor(Math.random() * 10000)}`);

  it('stores, reads, lists and deletes one entry per server and account', async () => {
    const store = new KeytarCredentialStore();
    const account = `acc-${randomUUID()}`;
    await store.set(service, account, 'refresh-1');
    expect(await store.get(service, account)).toBe('refresh-1');
    await store.set(service, account, 'refresh-2');
    expect(await store.get(service, account)).toBe('refresh-2');
    expect(await store.accounts(service)).toContain(account);
    expect(await store.delete(service, account)).toBe(true);
    expect(await store.get(service, account)).toBeNull();
    expect(await store.get(keychainService('https://other.example'), account)).toBeNull();
  });

  it('is shared across processes (the app and the CLI): another node process reads the entry', async () => {
    const store = new KeytarCredentialStore();
    const account = `acc-${randomUUID()}`;
    await store.set(service, account, 'shared-secret');
    try {
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          `require('keytar').getPassword(${JSON.stringify(service)}, ${JSON.stringify(account)}).then(p => process.stdout.write(String(p)))`,
        ],
        { encoding: 'utf8' },
      );
      expect(child.stdout).toBe('shared-secret');
    } finally {
      await store.delete(service, account);
    }
  });
});

describe('KeytarCredentialStore without a Secret Service', () => {
  it('fails with a clear AUTH error saying to unlock the keyring, never falling back to a file', () => {
    // A child process with no D-Bus session at all: keytar throws and the wrapper must explain it.
    const script = `
      import { KeytarCredentialStore } from './electron/engine/account/credentials.ts';
      new KeytarCredentialStore().set('Atelier (test)', 'a', 's').then(
        () => console.log('STORED'),
        (e) => console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })),
      );`;
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    expect(line).not.toBe('STORED');
    const err = JSON.parse(line) as { code: string; message: string; hint: string };
    expect(err.code).toBe('AUTH');
    expect(err.message).toMatch(/keychain is unavailable/);
    expect(err.hint).toMatch(/unlock/);
  });
});
