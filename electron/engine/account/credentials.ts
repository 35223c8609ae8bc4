/**
 * Where refresh tokens live: the OS keychain through keytar (Keychain on macOS, Credential Manager on
 * Windows, the Secret Service on Linux), one entry per server and account, shared by the app and the CLI.
 * There is deliberately no file fallback: a locked or missing keychain is an error the user can fix, and
 * writing the token to disk instead would leak it to anything that reads the profile folder.
 */
import { AtelierError } from '../errors';

export interface CredentialStore {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
  /** The accounts with an entry under `service`. */
  accounts(service: string): Promise<string[]>;
}

/** The keychain service name for a license server: one per origin, readable in the OS keychain UI. */
export function keychainService(serverOrigin: string): string {
  return `Atelier (${new URL(serverOrigin).origin})`;
}

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
};

function keychainError(action: string, cause: unknown): AtelierError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new AtelierError('AUTH', `The OS keychain is unavailable (${action}: ${detail})`, {
    hint:
      process.platform === 'linux'
        ? 'unlock your keyring (GNOME Keyring / KWallet must be running with a Secret Service), then sign in again'
        : 'unlock your keychain, then sign in again',
    cause,
  });
}

/** keytar behind CredentialStore; loaded lazily so commands that never sign in do not load the addon. */
export class KeytarCredentialStore implements CredentialStore {
  private keytar: Promise<Keytar> | undefined;

  private load(): Promise<Keytar> {
    this.keytar ??= import('keytar').then(
      (m) => (m as { default?: Keytar }).default ?? (m as unknown as Keytar),
      (cause: unknown) => {
        this.keytar = undefined;
        throw keychainError('loading keytar', cause);
      },
    );
    return this.keytar;
  }

  private async call<T>(action: string, fn: (k: Keytar) => Promise<T>): Promise<T> {
    const k = await this.load();
    try {
      return await fn(k);
    } catch (cause) {
      throw keychainError(action, cause);
    }
  }

  get(service: string, account: string) {
    return this.call('reading the sign-in', (k) => k.getPassword(service, account));
  }
  set(service: string, account: string, secret: string) {
    return this.call('saving the sign-in', (k) => k.setPassword(service, account, secret));
  }
  delete(service: string, account: string) {
    return this.call('removing the sign-in', (k) => k.deletePassword(service, account));
  }
  async accounts(service: string) {
    const found = await this.call('listing sign-ins', (k) => k.findCredentials(service));
    return found.map((c) => c.account);
  }
}
