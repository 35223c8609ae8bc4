/**
 * Child process for the durability test: records generations (half of them through a batch item) in a
 * tight loop until killed, printing the count after each commit. Images are random bytes with explicit
 * metadata so each transaction is large (~600 KB) and the kill often lands inside one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Store } from '../store';

const dbFile = process.argv[2];
if (!dbFile) throw new Error('usage: sigkill-writer.child.ts DB_FILE');
const store = Store.open({ database: dbFile });
const batch = store.batches.createBatch({ operation: 'cutout', params: {}, outputDir: '/tmp/out' });
const items = store.batches.addBatchItems(
  batch.id,
  Array.from({ length: 5000 }, (_, i) => ({ inputPath: `/in/${i}.jpg` })),
);
const thumbnail = randomBytes(2_000);
const image = () => ({ bytes: randomBytes(300_000), mime: 'image/png', width: 200, height: 250, thumbnail });

for (let i = 0; ; i++) {
  const generation = {
    operation: 'cutout',
    params: { i },
    status: 'done' as const,
    inputName: `${i}.jpg`,
    input: image(),
    output: image(),
  };
  const debit = { id: randomUUID(), tokens: 1, operation: 'cutout' };
  const item = items[i];
  if (i % 2 && item) await store.batches.completeItemWithGeneration(item.id, generation, { debit });
  else await store.recordGeneration(generation, debit, { quotaDay: '2026-11-22' });
  process.stdout.write(`${i + 1}\n`);
}
