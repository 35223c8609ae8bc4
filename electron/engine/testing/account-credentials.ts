/**
 * Test-only: an in-memory CredentialStore for tests that are NOT about the keychain (sync, wallet,
 * purchase), so they run without a Secret Service. The keychain itself is tested for real in
 * credentials.test.ts and the sign-in test. Not imported by product code.
 */
import type { CredentialStore } from '../account/credentials';

export class MemoryCredentialStore implements CredentialStore {
  readonly entries = new Map<string, string>();
  private key(service: string, account: string) {
    return `${service}\u0000${account}`;
  }
  async get(service: string, account: string) {
    return this.entries.get(this.key(service, account)) ?? null;
  }
  async set(service: string, account: string, secret: string) {
    this.entries.set(this.key(service, account), secret);
  }
  async delete(service: string, account: string) {
    return this.entries.delete(this.key(service, account));
  }
  async accounts(service: string) {
    return [...this.entries.keys()]
      .filter((k) => k.startsWith(`${service}\u0000`))
      .map((k) => k.split('\u0000')[1] ?? '');
  }
}
