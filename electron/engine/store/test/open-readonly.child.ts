/**
 * Child process for the read-only profile test (run as an unprivileged user when the tests run as root,
 * since root writes through any permission bits): opens the store and prints the error as JSON.
 */
import { serializeError } from '../../errors';
import { Store } from '../store';

const dbFile = process.argv[2];
if (!dbFile) throw new Error('usage: open-readonly.child.ts DB_FILE');
try {
  const store = Store.open({ database: dbFile });
  await store.recordGeneration({ operation: 'cutout', params: {}, status: 'failed' });
  store.close();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ error: serializeError(error) }));
}
