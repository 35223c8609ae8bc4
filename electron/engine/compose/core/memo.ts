/**
 * A one-entry memo: the last value made, kept while its key (compared item by item, by identity)
 * stays the same. The preview composes the same item again and again with small changes; the parts
 * a change does not touch (the blurred photo, a cover-fitted picture, the "before" image) are kept.
 */
export interface Memo<T> {
  key?: unknown[];
  value?: T;
}

export function remember<T>(memo: Memo<T> | undefined, key: unknown[], make: () => T): T {
  if (
    memo?.key &&
    memo.value !== undefined &&
    memo.key.length === key.length &&
    memo.key.every((v, i) => v === key[i])
  )
    return memo.value;
  const value = make();
  if (memo) {
    memo.key = key;
    memo.value = value;
  }
  return value;
}
