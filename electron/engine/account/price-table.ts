/**
 * The one price table every screen shows (Account, the Studio's cost lines, the token check): what
 * runs a model and costs tokens (or, without an account, one free generation per photo), and what is
 * free because it only re-renders a stored cut-out. Built from the server's price list (prices.ts),
 * sent to the UI with the account status; the UI formats it (renderer/src/prices.ts) and never keeps
 * a price of its own.
 */
import type { Prices } from './license-client';

export interface PriceLine {
  /** An operation id (cutout, stylize, compose) or a free action (composition, touch-up). */
  id: string;
  label: string;
  /** Tokens per photo when signed in; 0 for what is free. */
  tokens: number;
  /** Free generations per photo without an account (one per model run, whatever the operation). */
  freeGenerations: number;
}

/** The operations the Studio runs, in the order it offers them. */
const RUNS: readonly { id: string; label: string }[] = [
  { id: 'cutout', label: 'Cut out a photo (or change its cut-out model)' },
  { id: 'stylize', label: 'Stylize a photo' },
  { id: 'compose', label: 'Match a reference picture' },
];

/** Re-renders from the stored mask: no model runs, so nothing is charged (edit.render, edit.setStrokes). */
const FREE: readonly { id: string; label: string }[] = [
  { id: 'composition', label: 'Change a cut-out’s background, shadow, canvas, trim or format' },
  { id: 'touch-up', label: 'Touch up a cut-out with the brush' },
];

export function priceTable(prices: Prices): PriceLine[] {
  return [
    ...RUNS.map((r) => ({ ...r, tokens: prices.prices[r.id] ?? 1, freeGenerations: 1 })),
    ...FREE.map((f) => ({ ...f, tokens: 0, freeGenerations: 0 })),
  ];
}

/** The next local midnight: when today's free generations come back. */
export function quotaResetsAt(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
}
