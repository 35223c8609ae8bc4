/**
 * How a DebitTicket reaches the store: `store.recordGeneration(gen, ...recordArgs(ticket, gen.status))`.
 * A failed generation is recorded without its debit or quota use: nothing is charged for it.
 */
import type { DebitInput, GenerationStatus, RecordOptions } from '../store';
import type { DebitTicket } from './wallet';

export function recordArgs(
  ticket: DebitTicket,
  status: GenerationStatus,
): [debit: DebitInput | undefined, options: RecordOptions] {
  if (status !== 'done') return [undefined, {}];
  if (ticket.kind === 'free_quota')
    return [undefined, { quotaDay: ticket.quotaDay, reservationId: ticket.id }];
  return [
    { id: ticket.id, tokens: ticket.tokens, operation: ticket.operation },
    { reservationId: ticket.id },
  ];
}
