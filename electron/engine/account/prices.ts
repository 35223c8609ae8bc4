/**
 * Token prices per operation and the anonymous daily quota, from the server's public `/v1/prices`,
 * cached in the settings table so the app prices generations offline with the last known list. Before
 * the first successful fetch the documented defaults apply.
 */
import { z } from 'zod';
import type { LedgerPort } from './ledger-port';
import { pricesSchema, type LicenseClient, type Prices } from './license-client';

export const DEFAULT_PRICES: Prices = {
  prices: { cutout: 1, background: 1, stylize: 2, compose: 2 },
  freeDailyQuota: 10,
};

const PRICES_KEY = 'account.prices';
const cachedSchema = z.object({ fetchedAt: z.string(), value: pricesSchema });

export function cachedPrices(ledger: LedgerPort): { value: Prices; fetchedAt?: string } {
  const parsed = cachedSchema.safeParse(ledger.getSetting(null, PRICES_KEY));
  return parsed.success ? parsed.data : { value: DEFAULT_PRICES };
}

/** Fetches the price list and caches it; on failure keeps and returns the cached one. */
export async function refreshPrices(
  ledger: LedgerPort,
  client: LicenseClient,
): Promise<{ value: Prices; fresh: boolean; error?: unknown }> {
  try {
    const value = await client.prices();
    ledger.setSetting(null, PRICES_KEY, { fetchedAt: new Date().toISOString(), value });
    return { value, fresh: true };
  } catch (error) {
    return { value: cachedPrices(ledger).value, fresh: false, error };
  }
}

/** Tokens one generation of `operation` costs; an operation missing from the list is an error. */
export function priceOf(prices: Prices, operation: string): number | undefined {
  return prices.prices[operation];
}
