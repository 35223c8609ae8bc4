/**
 * SQLite failures (disk full, read-only, corrupt, busy) become one actionable AtelierError naming the
 * database file, wherever they surface; other errors pass through untouched so bugs are not disguised.
 */
import Database from 'better-sqlite3';
import { databaseError } from './database';

export function mapSqliteError(error: unknown, file: string): unknown {
  return error instanceof Database.SqliteError ? databaseError(error, file) : error;
}

/** Runs a step, mapping SQLite failures of it (thrown or rejected). */
export function guarded<T>(file: string, step: () => T): T {
  try {
    const result = step();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw mapSqliteError(error, file);
      }) as T;
    }
    return result;
  } catch (error) {
    throw mapSqliteError(error, file);
  }
}

/** The same object with every method guarded (used for the store's ledger and batches). */
export function withSqliteErrorsMapped<T extends object>(target: T, file: string): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        guarded(file, () => (value as (...a: unknown[]) => unknown).apply(obj, args));
    },
  });
}
