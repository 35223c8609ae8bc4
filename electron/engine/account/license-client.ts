/**
 * The HTTP client of the license endpoint. Every answer is validated with zod (a proxy page or a broken
 * deploy must not be mistaken for a balance), every request has a timeout, and every failure becomes a
 * LicenseRequestError: an AtelierError that also says whether retrying later can help.
 */
import { z } from 'zod';
import { AtelierError } from '../errors';
import { signedStatementSchema } from './statement';

export const OPERATIONS = ['cutout', 'background', 'stylize', 'compose'] as const;
export type Operation = (typeof OPERATIONS)[number];

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const pricesSchema = z.object({
  prices: z.record(z.string(), z.number().int().nonnegative()),
  freeDailyQuota: z.number().int().nonnegative(),
});
export type Prices = z.infer<typeof pricesSchema>;

const accountSchema = z.object({ id: z.string().min(1), email: z.string() });
export type RemoteAccount = z.infer<typeof accountSchema>;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1),
  account: accountSchema,
});
export type TokenResponse = z.infer<typeof tokenSchema>;

const balanceSchema = z.object({ balance: z.number().int(), statement: signedStatementSchema });
export type BalanceResponse = z.infer<typeof balanceSchema>;

const usageSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['applied', 'duplicate', 'rejected']),
      reason: z.string().optional(),
    }),
  ),
  balance: z.number().int(),
  statement: signedStatementSchema,
});
export type UsageResponse = z.infer<typeof usageSchema>;

const packsSchema = z.object({
  packs: z.array(
    z.object({
      id: z.string(),
      tokens: z.number().int(),
      priceCents: z.number().int(),
      currency: z.string(),
    }),
  ),
});
export type TokenPack = z.infer<typeof packsSchema>['packs'][number];

export interface UsageDebit {
  id: string;
  operation: string;
  tokens: number;
  createdAt: string;
}

/** A failed request to the license server. `retryable` is true for network trouble and 5xx answers. */
export class LicenseRequestError extends AtelierError {
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  readonly retryable: boolean;
  constructor(
    code: 'NETWORK' | 'AUTH' | 'USAGE',
    message: string,
    opts: { hint: string; status?: number; serverCode?: string; retryable: boolean; cause?: unknown },
  ) {
    super(code, message, { hint: opts.hint, cause: opts.cause });
    this.status = opts.status;
    this.serverCode = opts.serverCode;
    this.retryable = opts.retryable;
  }
}

export const CLIENT_ID = 'atelier-desktop';

export class LicenseClient {
  readonly origin: string;
  private readonly timeoutMs: number;

  constructor(serverUrl: string, options: { timeoutMs?: number } = {}) {
    this.origin = new URL(serverUrl).origin;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  authorizeUrl(params: { redirectUri: string; challenge: string; state: string }): string {
    const url = new URL('/oauth/authorize', this.origin);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: params.redirectUri,
      code_challenge: params.challenge,
      code_challenge_method: 'S256',
      state: params.state,
    }).toString();
    return url.toString();
  }

  prices(signal?: AbortSignal): Promise<Prices> {
    return this.request('GET', '/v1/prices', pricesSchema, { signal });
  }

  exchangeCode(p: { code: string; redirectUri: string; verifier: string }): Promise<TokenResponse> {
    return this.request('POST', '/oauth/token', tokenSchema, {
      body: {
        grant_type: 'authorization_code',
        code: p.code,
        redirect_uri: p.redirectUri,
        client_id: CLIENT_ID,
        code_verifier: p.verifier,
      },
    });
  }

  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.request('POST', '/oauth/token', tokenSchema, {
      body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID },
    });
  }

  /** Password login: for scripts and tests (the app signs in through the browser). */
  passwordLogin(email: string, password: string): Promise<TokenResponse> {
    return this.request('POST', '/v1/auth/login', tokenSchema, { body: { email, password } });
  }

  async revoke(token: string): Promise<void> {
    await this.request('POST', '/oauth/revoke', z.unknown(), { body: { token } });
  }

  me(accessToken: string): Promise<RemoteAccount> {
    return this.request('GET', '/v1/me', accountSchema, { accessToken });
  }

  /** Deletes the account on the server: email, password hash, sessions and devices (the ledger stays). */
  async deleteAccount(accessToken: string): Promise<void> {
    await this.request('DELETE', '/v1/account', z.unknown(), { accessToken });
  }

  /**
   * Registers this installation as a device of the account. `installId` makes it idempotent: asked
   * again (an answer lost on the way), the server answers the device it already made.
   */
  registerDevice(
    accessToken: string,
    name: string,
    platform: string,
    installId: string,
  ): Promise<{ deviceId: string }> {
    return this.request('POST', '/v1/devices', z.object({ deviceId: z.string().min(1) }), {
      accessToken,
      body: { name, platform, installId },
    });
  }

  balance(accessToken: string, signal?: AbortSignal): Promise<BalanceResponse> {
    return this.request('GET', '/v1/balance', balanceSchema, { accessToken, signal });
  }

  usage(
    accessToken: string,
    deviceId: string,
    debits: UsageDebit[],
    signal?: AbortSignal,
  ): Promise<UsageResponse> {
    return this.request('POST', '/v1/usage', usageSchema, {
      accessToken,
      body: { deviceId, debits },
      signal,
    });
  }

  packs(): Promise<TokenPack[]> {
    return this.request('GET', '/v1/packs', packsSchema).then((r) => r.packs);
  }

  checkout(accessToken: string, packId: string): Promise<{ checkoutUrl: string }> {
    return this.request('POST', '/v1/checkout', z.object({ checkoutUrl: z.url() }), {
      accessToken,
      body: { packId },
    });
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: z.ZodType<T>,
    opts: { body?: unknown; accessToken?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const where = `${method} ${path}`;
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    let response: Response;
    try {
      response = await fetch(new URL(path, this.origin), {
        method,
        headers: {
          accept: 'application/json',
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.accessToken ? { authorization: `Bearer ${opts.accessToken}` } : {}),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new LicenseRequestError(
        'NETWORK',
        timedOut
          ? `The license server did not answer within ${Math.round(this.timeoutMs / 1000)} s (${where})`
          : `Cannot reach the license server at ${this.origin} (${where})`,
        { hint: 'check your connection; pending tokens are kept and synced later', retryable: true, cause },
      );
    }
    const text = await readCapped(response, where);
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Handled below: a non-JSON answer is garbage for a success and an unexplained failure otherwise.
    }
    if (!response.ok) throw errorFromResponse(response.status, json, where);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
      throw new LicenseRequestError(
        'NETWORK',
        `Unexpected answer from the license server (${where}: ${field})`,
        {
          hint: 'the server or a proxy in between returned something else; try again later',
          status: response.status,
          retryable: true,
        },
      );
    }
    return parsed.data;
  }
}

const SIGN_IN_AGAIN = 'sign in again (atelier login)';

/** The most the client reads of one answer: every real answer is a few KiB. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Reads the body, stopping (and failing) past MAX_ANSWER_BYTES instead of buffering whatever comes. */
async function readCapped(response: Response, where: string): Promise<string> {
  const tooLarge = () =>
    new LicenseRequestError('NETWORK', `The license server's answer is too large (over 1 MiB, ${where})`, {
      hint: 'the server or a proxy in between returned something else; try again later',
      status: response.status,
      retryable: true,
    });
  if (Number(response.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_ANSWER_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof LicenseRequestError) throw error;
    return ''; // a broken body is handled as an empty (unexpected) answer below
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Server text shown to the user, made printable: control characters (terminal escapes, newlines that
 * fake extra lines) and bidirectional overrides become spaces, and it is cut to a sane length.
 */
export function printable(text: string): string {
  const clean = text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    ' ',
  );
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

function errorFromResponse(status: number, json: unknown, where: string): LicenseRequestError {
  const body = errorBodySchema.safeParse(json);
  const serverCode = body.success ? body.data.error.code : undefined;
  const serverMessage = body.success ? printable(body.data.error.message) : `HTTP ${status}`;
  const common = { status, serverCode };
  if (status >= 500 || status === 429 || status === 408) {
    return new LicenseRequestError('NETWORK', `The license server failed (${where}: ${serverMessage})`, {
      ...common,
      hint: 'try again later; pending tokens are kept',
      retryable: true,
    });
  }
  if (serverCode === 'device_revoked') {
    return new LicenseRequestError('AUTH', 'This device was removed from your account', {
      ...common,
      hint: SIGN_IN_AGAIN + ' to register it again',
      retryable: false,
    });
  }
  if (status === 401 || serverCode === 'invalid_grant' || status === 403) {
    return new LicenseRequestError(
      'AUTH',
      `The license server refused the sign-in (${where}: ${serverMessage})`,
      {
        ...common,
        hint: SIGN_IN_AGAIN,
        retryable: false,
      },
    );
  }
  const field = body.success && body.data.error.field ? ` (field ${printable(body.data.error.field)})` : '';
  return new LicenseRequestError(
    'USAGE',
    `The license server refused the request (${where}: ${serverMessage})${field}`,
    {
      ...common,
      hint: 'check the request; if it persists, update Atelier',
      retryable: false,
    },
  );
}
