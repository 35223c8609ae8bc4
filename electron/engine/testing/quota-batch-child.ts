/**
 * Test-only child process: runs one anonymous quota batch (quota-batch.ts) on the profile named in the
 * environment and prints its counts as JSON, so a test can run two at once on one profile.
 */
import path from 'node:path';
import { profilePaths } from '../profile';
import { ANONYMOUS_ACCOUNT_ID, Store } from '../store';
import { runQuotaBatch } from './quota-batch';

const dir = process.env.QUOTA_CHILD_PROFILE;
const inputs = (process.env.QUOTA_CHILD_INPUTS ?? '').split(path.delimiter).filter(Boolean);
if (!dir || inputs.length === 0) throw new Error('QUOTA_CHILD_PROFILE and QUOTA_CHILD_INPUTS must be set');
const store = Store.open(profilePaths(dir));
try {
  const counts = await runQuotaBatch(
    store,
    { kind: 'anonymous', localId: ANONYMOUS_ACCOUNT_ID },
    inputs,
    path.join(dir, '..', `out-${process.pid}`),
  );
  console.log(JSON.stringify(counts));
} finally {
  store.close();
}
