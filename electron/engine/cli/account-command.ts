/**
 * `atelier login | logout | whoami | balance | buy`: the account commands. Sign-in opens the system
 * browser (or prints the URL with --no-browser) and waits on a loopback listener; the refresh token goes
 * to the OS keychain, shared with the app. Output is one human line per fact, or JSON with --json.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AccountService } from '../account/account-service';
import { anonymousHistoryCount } from '../account/adopt';
import { loadAccountConfig } from '../account/config';
import { KeytarCredentialStore } from '../account/credentials';
import { checkServerLink, openInBrowser } from '../account/open-url';
import { cachedPrices } from '../account/prices';
import { storeLedger } from '../account/store-ledger';
import { localDay } from '../account/wallet';
import { AtelierError } from '../errors';
import type { Host } from '../host';
import { openProfile, resolveProfileDir } from '../profile';
import { ANONYMOUS_ACCOUNT_ID, Store } from '../store';
import type { CommandModule } from './command';

export type AccountVerb = 'login' | 'logout' | 'whoami' | 'balance' | 'buy';

const HELP: Record<AccountVerb, string> = {
  login:
    'Usage: atelier login [--keep-history | --no-keep-history] [--no-browser] [--timeout SECONDS] [--json] [--profile DIR]\n' +
    'Signs in through your browser. Asks whether to move the anonymous history to the account (on a TTY).',
  logout:
    'Usage: atelier logout [--json] [--profile DIR]\nSigns out and removes the sign-in from the OS keychain.',
  whoami: 'Usage: atelier whoami [--json] [--profile DIR]\nShows the current account.',
  balance:
    'Usage: atelier balance [--offline] [--json] [--profile DIR]\nSyncs pending tokens, then shows the verified balance.',
  buy:
    'Usage: atelier buy [--pack ID] [--no-wait] [--no-browser] [--json] [--profile DIR]\n' +
    'Opens the checkout for a token pack in your browser and waits for the tokens to arrive.',
};

/**
 * Opens a URL with the platform's opener, without a shell, only if it is on the configured license
 * server; the URL is always printed too, for remote shells.
 */
function cliHost(openBrowser: boolean, serverUrl: string): Host {
  return {
    kind: 'cli',
    async openExternal(url) {
      const href = checkServerLink(url, serverUrl);
      console.error(`Open this URL in your browser: ${href}`);
      if (openBrowser) openInBrowser(href);
    },
    setProgress() {},
    notify() {},
    revealInFolder() {},
  };
}

async function askKeepHistory(generations: number): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Move your ${generations} anonymous generation(s) to this account? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function runAccountCommand(verb: AccountVerb, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      'keep-history': { type: 'boolean' },
      'no-keep-history': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      timeout: { type: 'string' },
      offline: { type: 'boolean' },
      pack: { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP[verb]);
    return 0;
  }
  const print = (human: string, json: unknown) => console.log(values.json ? JSON.stringify(json) : human);
  const profile = openProfile(resolveProfileDir(values.profile));
  const store = Store.open(profile);
  try {
    // Anonymous use needs no license server: say so without requiring one to be configured.
    if ((verb === 'whoami' || verb === 'balance') && store.currentAccount().kind === 'anonymous') {
      const limit = cachedPrices(storeLedger(store.db)).value.freeDailyQuota;
      const used = storeLedger(store.db).quotaUsed(ANONYMOUS_ACCOUNT_ID, localDay(new Date()));
      print(`Not signed in: ${Math.max(0, limit - used)} of ${limit} free generations left today`, {
        signedIn: false,
        quota: { used, limit },
      });
      return 0;
    }
    const config = loadAccountConfig(profile);
    const service = new AccountService({
      store,
      config,
      credentials: new KeytarCredentialStore(),
      host: cliHost(!values['no-browser'] && !process.env.ATELIER_NO_BROWSER, config.serverUrl),
    });
    switch (verb) {
      case 'login': {
        const keepHistory = await decideKeepHistory(values, anonymousHistoryCount(store.db));
        const timeoutS = values.timeout === undefined ? 300 : Number(values.timeout);
        if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
          throw new AtelierError('USAGE', `--timeout must be a number of seconds (got "${values.timeout}")`, {
            hint: 'e.g. --timeout 120',
          });
        }
        const r = await service.login({ keepHistory, timeoutMs: timeoutS * 1000 });
        print(
          [
            `Signed in as ${r.account.email}`,
            r.adopted ? `Moved ${r.adopted.generations} generation(s) to this account` : '',
            r.statement ? `Balance: ${r.statement.balance} tokens` : '',
            r.syncError ? `Balance not synced yet: ${r.syncError.userMessage}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
          {
            account: r.account,
            adopted: r.adopted ?? null,
            balance: r.statement?.balance ?? null,
            syncError: r.syncError?.userMessage ?? null,
          },
        );
        return 0;
      }
      case 'logout': {
        const r = await service.logout();
        const left = r.pendingDebits
          ? ` (${r.pendingDebits} debit(s) not yet synced are kept for next sign-in)`
          : '';
        print(`Signed out${r.email ? ` of ${r.email}` : ''}${left}`, r);
        return 0;
      }
      case 'whoami': {
        const who = await service.whoami();
        if (who.account.kind === 'anonymous' || !('keychain' in who)) return 0; // handled above
        const human =
          who.keychain === 'present'
            ? `Signed in as ${who.email ?? who.account.serverId} at ${service.client.origin}`
            : `${who.email ?? who.account.serverId}: sign-in expired or removed from the keychain — run atelier login`;
        print(human, {
          signedIn: who.keychain === 'present',
          accountId: who.account.serverId,
          email: who.email ?? null,
          server: service.client.origin,
        });
        return who.keychain === 'present' ? 0 : 2;
      }
      case 'balance': {
        const { spendable: s, syncError } = await service.balance({ sync: !values.offline });
        print(
          [
            `Balance: ${s.spendable} tokens spendable (${s.balance} verified, ${s.pending} pending)`,
            `Valid offline until ${s.validUntil.toISOString()}${s.expired ? ' (EXPIRED: sync needed)' : ''}`,
            syncError ? `Not synced: ${syncError.userMessage}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
          {
            balance: s.balance,
            pending: s.pending,
            spendable: s.spendable,
            validUntil: s.validUntil.toISOString(),
            expired: s.expired,
            seq: s.statement.seq,
            syncError: syncError?.userMessage ?? null,
          },
        );
        return syncError ? 2 : 0;
      }
      case 'buy': {
        const r = await service.buy({ packId: values.pack, waitMs: values['no-wait'] ? 0 : undefined });
        const after = r.credited
          ? `Tokens arrived: balance ${r.credited.balance}`
          : 'Waiting for payment timed out';
        print(values['no-wait'] ? `Checkout opened for ${r.packId}` : after, {
          packId: r.packId,
          checkoutUrl: r.checkoutUrl,
          balance: r.credited?.balance ?? null,
        });
        return values['no-wait'] || r.credited ? 0 : 2;
      }
    }
  } finally {
    store.close();
  }
}

async function decideKeepHistory(
  values: { 'keep-history'?: boolean; 'no-keep-history'?: boolean },
  anonymousGenerations: number,
): Promise<boolean> {
  if (values['keep-history'] && values['no-keep-history']) {
    throw new AtelierError('USAGE', '--keep-history and --no-keep-history contradict each other', {
      hint: 'pass one of them',
    });
  }
  if (values['keep-history']) return true;
  if (values['no-keep-history'] || anonymousGenerations === 0) return false;
  if (!process.stdin.isTTY) {
    throw new AtelierError('USAGE', 'Whether to move the anonymous history to the account is not given', {
      hint: 'pass --keep-history or --no-keep-history (no terminal to ask on)',
    });
  }
  return askKeepHistory(anonymousGenerations);
}

export function accountCommand(verb: AccountVerb): CommandModule {
  return { run: (argv) => runAccountCommand(verb, argv) };
}
