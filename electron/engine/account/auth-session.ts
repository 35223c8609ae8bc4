/**
 * A signed-in account's access token, kept in memory only and renewed from the refresh token in the
 * keychain when it is about to expire. Refresh tokens rotate on the server and reusing an old one
 * revokes the whole family, so the keychain is re-read before every refresh (the app and the CLI share
 * the entry, and the other one may have rotated it) and refreshes in this process are serialised.
 */
import { AtelierError } from '../errors';
import { keychainService, type CredentialStore } from './credentials';
import { raiseSeqFloor, readSeqFloor } from './seq-floor';
import { LicenseRequestError, type LicenseClient, type TokenResponse } from './license-client';

export class AuthSession {
  private accessToken: string | undefined;
  private expiresAt = 0;
  private refreshing: Promise<string> | undefined;
  email: string | undefined;

  constructor(
    readonly client: LicenseClient,
    private readonly credentials: CredentialStore,
    readonly accountId: string,
    initial?: TokenResponse,
    private readonly now: () => number = Date.now,
  ) {
    if (initial) this.accept(initial);
  }

  get service(): string {
    return keychainService(this.client.origin);
  }

  /** A valid access token, refreshed through the keychain's refresh token when needed. */
  async token(): Promise<string> {
    if (this.accessToken && this.now() < this.expiresAt) return this.accessToken;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Drops the in-memory access token (after a 401) so the next call refreshes. */
  invalidate(): void {
    this.accessToken = undefined;
  }

  /** Runs a request with the access token, refreshing once if the server says it expired. */
  async withToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.token());
    } catch (error) {
      if (error instanceof LicenseRequestError && error.status === 401) {
        this.invalidate();
        return fn(await this.token());
      }
      throw error;
    }
  }

  private accept(tokens: TokenResponse): void {
    this.accessToken = tokens.access_token;
    // Renew a minute early so a request never leaves with a token that expires on the way.
    this.expiresAt = this.now() + Math.max(0, tokens.expires_in - 60) * 1000;
    this.email = tokens.account.email;
  }

  private async refresh(): Promise<string> {
    const stored = await this.credentials.get(this.service, this.accountId);
    if (!stored) {
      throw new AtelierError(
        'AUTH',
        `Not signed in to ${this.client.origin} as ${this.email ?? this.accountId}`,
        {
          hint: 'sign in again (atelier login)',
        },
      );
    }
    let tokens: TokenResponse;
    try {
      tokens = await this.client.refresh(stored);
    } catch (error) {
      if (error instanceof LicenseRequestError && error.code === 'AUTH') {
        // Expired or revoked: the stored token is useless, remove it so `whoami` tells the truth.
        await this.credentials.delete(this.service, this.accountId).catch(() => false);
        throw new AtelierError('AUTH', `Your sign-in to ${this.client.origin} has expired or was revoked`, {
          hint: 'sign in again (atelier login)',
          cause: error,
        });
      }
      throw error;
    }
    if (tokens.account.id !== this.accountId) {
      throw new AtelierError('AUTH', `The server answered for another account (${tokens.account.id})`, {
        hint: 'sign out and sign in again (atelier logout; atelier login)',
      });
    }
    await this.credentials.set(this.service, this.accountId, tokens.refresh_token);
    this.accept(tokens);
    return tokens.access_token;
  }

  /** The highest statement seq accepted for this account (kept in the keychain, see seq-floor.ts). */
  seqFloor(): Promise<number> {
    return readSeqFloor(this.credentials, this.client.origin, this.accountId);
  }

  raiseSeqFloor(seq: number): Promise<void> {
    return raiseSeqFloor(this.credentials, this.client.origin, this.accountId, seq);
  }

  /** Forgets the session on this machine (the keychain entry and the access token), without asking the server. */
  async forget(): Promise<void> {
    await this.credentials.delete(this.service, this.accountId);
    this.accessToken = undefined;
  }

  /** Signs out: revokes the refresh token on the server (best effort) and removes it from the keychain. */
  async signOut(): Promise<{ revokedOnServer: boolean }> {
    const stored = await this.credentials.get(this.service, this.accountId);
    let revokedOnServer = false;
    if (stored) {
      revokedOnServer = await this.client.revoke(stored).then(
        () => true,
        () => false,
      );
    }
    await this.credentials.delete(this.service, this.accountId);
    this.accessToken = undefined;
    return { revokedOnServer };
  }
}
