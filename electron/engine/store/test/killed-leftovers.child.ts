/**
 * Child process for the leftovers test: does one thing the real way and is SIGKILLed at the worst
 * moment. `delete`: an account's deletion commits, then the process dies before compacting.
 * `export`: an export has started writing its `.partial`, then the process dies.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ensureAnonymousAccount } from '../accounts';
import { eraseAccount } from '../retention';
import { Store } from '../store';

const [mode, dbFile, marker, dest] = process.argv.slice(2);
if (!mode || !dbFile || !marker)
  throw new Error('usage: killed-leftovers.child.ts delete|export DB MARKER [DEST]');
const store = Store.open({ database: dbFile });
const ana = store.signIn('srv-ana', `${marker}@example.com`);
for (let i = 0; i < (mode === 'delete' ? 3 : 20); i++) {
  const image = {
    bytes: randomBytes(mode === 'delete' ? 2_000 : 200_000),
    mime: 'image/png',
    width: 10,
    height: 10,
    thumbnail: randomBytes(500),
  };
  await store.recordGeneration({
    operation: 'cutout',
    params: { note: marker },
    status: 'done',
    inputName: `${marker}-${i}.jpg`,
    input: image,
    output: null,
  });
}
store.db.pragma('wal_checkpoint(TRUNCATE)');
if (mode === 'delete') {
  eraseAccount(store.db, ana.id, () => ensureAnonymousAccount(store.db));
  process.kill(process.pid, 'SIGKILL');
} else {
  if (!dest) throw new Error('export needs DEST');
  const partial = `${dest}.partial`;
  const watcher = setInterval(() => {
    if (existsSync(partial)) process.kill(process.pid, 'SIGKILL');
  }, 1);
  await store.exportHistory(dest);
  clearInterval(watcher);
  console.error('export finished before it could be killed');
  process.exit(3);
}
