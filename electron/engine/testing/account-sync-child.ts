/**
 * Test-only child process for the "app killed mid-sync" test: opens the profile's store and runs one sync
 * with an access token handed over in the environment; the test SIGKILLs it while its request is in
 * flight. Not imported by product code.
 */
import { Store } from '../store';
import { AuthSession } from '../account/auth-session';
import { LicenseClient } from '../account/license-client';
import { storeLedger } from '../account/store-ledger';
import { syncDebits } from '../account/sync';
import { MemoryCredentialStore } from './account-credentials';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const store = Store.open({ database: env('SYNC_CHILD_DB') });
const client = new LicenseClient(env('SYNC_CHILD_SERVER'));
const serverId = env('SYNC_CHILD_SERVER_ACCOUNT');
const session = new AuthSession(client, new MemoryCredentialStore(), serverId, {
  access_token: env('SYNC_CHILD_ACCESS_TOKEN'),
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'unused-by-this-child',
  account: { id: serverId, email: '' },
});
console.log('syncing');
await syncDebits({
  ledger: storeLedger(store.db),
  session,
  localId: env('SYNC_CHILD_LOCAL_ACCOUNT'),
  pinnedKeys: [{ publicKey: env('SYNC_CHILD_PUBLIC_KEY') }],
});
console.log('synced');
store.close();
