/**
 * Browser sign-in (OAuth 2.0 authorization code + PKCE, loopback redirect: RFC 8252 / RFC 7636): open the
 * system browser through the Host at the server's authorize page, wait for the redirect on 127.0.0.1,
 * exchange the code, and keep the refresh token in the keychain. The access token is returned to the
 * caller to keep in memory only.
 */
import type { Host } from '../host';
import { keychainService, type CredentialStore } from './credentials';
import type { LicenseClient, TokenResponse } from './license-client';
import { startLoopbackListener } from './loopback';
import { createPkcePair, randomState } from './pkce';

export interface SignInOptions {
  client: LicenseClient;
  host: Host;
  credentials: CredentialStore;
  /** How long to wait for the browser (default 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function signInWithBrowser(options: SignInOptions): Promise<TokenResponse> {
  const pkce = createPkcePair();
  const state = randomState();
  const listener = await startLoopbackListener({
    state,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  try {
    const url = options.client.authorizeUrl({
      redirectUri: listener.redirectUri,
      challenge: pkce.challenge,
      state,
    });
    await options.host.openExternal(url);
    const code = await listener.code;
    const tokens = await options.client.exchangeCode({
      code,
      redirectUri: listener.redirectUri,
      verifier: pkce.verifier,
    });
    try {
      await options.credentials.set(
        keychainService(options.client.origin),
        tokens.account.id,
        tokens.refresh_token,
      );
    } catch (error) {
      // Never keep a refresh token we cannot store safely: revoke it so it is not left live on the server.
      await options.client.revoke(tokens.refresh_token).catch(() => undefined);
      throw error;
    }
    return tokens;
  } finally {
    await listener.close();
  }
}
