/**
 * The end-of-batch summary printed by the CLI, and the exit code it implies. Each failure's full line
 * (what, which photo, what to do) was printed live when it happened; the summary lists the failed photos
 * once more by name only and says the command that finishes the batch.
 */
import path from 'node:path';
import type { OperationResult } from '../operations/types';
import { formatDuration } from './progress-bar';

export interface BatchSummary {
  batchId: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  cancelled: number;
  elapsedMs: number;
  failures: { input: string; message: string }[];
  /** Failed in an earlier run of a resumed batch (counted in `failed`, not listed in `failures`). */
  earlierFailures?: number;
  /** The provider that ran (and why it fell back), from the first processed item. */
  provider?: string;
  /** How to run this batch's command again (`atelier cutout --profile …`), for the resume/retry line. */
  command?: string;
}

export function summarize(
  batchId: string,
  results: readonly OperationResult[],
  elapsedMs: number,
): BatchSummary {
  const count = (s: OperationResult['status']) => results.filter((r) => r.status === s).length;
  const withProvider = results.find((r) => r.provider);
  const p = withProvider?.provider;
  return {
    batchId,
    total: results.length,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    elapsedMs,
    failures: results
      .filter((r) => r.status === 'failed')
      .map((r) => ({
        input: r.input,
        message: r.error
          ? r.error.hint
            ? `${r.error.message} — ${r.error.hint}`
            : r.error.message
          : 'failed',
      })),
    ...(p ? { provider: p.fallbackReason ? `${p.used} (${p.fallbackReason})` : p.used } : {}),
  };
}

export function formatSummary(s: BatchSummary): string {
  const lines = [
    `${s.done} done, ${s.failed} failed, ${s.skipped} skipped` +
      (s.cancelled ? `, ${s.cancelled} not run (cancelled)` : '') +
      ` of ${s.total} in ${formatDuration(s.elapsedMs)}` +
      (s.provider ? ` on ${s.provider}` : '') +
      ` — batch ${s.batchId}`,
  ];
  const command = s.command ?? 'atelier <command>';
  if (s.failures.length > 0) {
    lines.push(`Failed (${s.failures.length}, reasons above):`);
    for (const f of s.failures) lines.push(`  - ${path.basename(f.input)}`);
  }
  if (s.earlierFailures) lines.push(`${s.earlierFailures} more failed in an earlier run of this batch.`);
  if (s.failures.length > 0 || s.earlierFailures) {
    lines.push(`Retry the failed items with: ${command} --resume ${s.batchId} --retry`);
  }
  if (s.cancelled) lines.push(`Resume the rest with: ${command} --resume ${s.batchId}`);
  return lines.join('\n');
}

/** 0 when everything asked for was produced or already there, 2 when any item failed or was cancelled. */
export function exitCodeFor(s: BatchSummary): number {
  return s.failed > 0 || s.cancelled > 0 ? 2 : 0;
}
