/**
 * One pool per process, whichever host runs the engine (Electron main, serve, the CLI): engines lease
 * it when they open and give it back when they close; the last one out drains it (queued and running
 * tasks finish) and ends its threads, the inference thread's too (workers/inference.ts). Its size comes from the first lease: the ATELIER_WORKERS
 * environment variable, else the profile's "worker threads" setting, else the machine's cores.
 */
import { closeInferenceThread } from './inference';
import { PixelPool, defaultPoolSize } from './pool';

let shared: PixelPool | undefined;
let leases = 0;

/** ATELIER_WORKERS=n (n ≥ 1) sizes the pool for this process (the CLI's and benchmarks' knob). */
export function poolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.ATELIER_WORKERS);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 64) : undefined;
}

/** The process's pool (created on first use, for code that runs outside an engine). */
export function pixelPool(): PixelPool {
  shared ??= new PixelPool(poolSizeFromEnv() ?? defaultPoolSize());
  return shared;
}

export interface PoolLease {
  pool: PixelPool;
  /** Gives the lease back; the last one drains and closes the pool. */
  release(): Promise<void>;
}

/**
 * A lease on the process's pool, sized by `setting` (0 or absent: `fallback`, else from the cores) when
 * it starts it.
 */
export function leasePixelPool(setting?: number, fallback?: number): PoolLease {
  shared ??= new PixelPool(
    poolSizeFromEnv() ?? (setting && setting > 0 ? setting : (fallback ?? defaultPoolSize())),
  );
  const pool = shared;
  leases++;
  let released = false;
  return {
    pool,
    release: async () => {
      if (released) return;
      released = true;
      if (--leases > 0) return;
      if (shared === pool) shared = undefined;
      await Promise.all([pool.close(), closeInferenceThread()]);
    },
  };
}
