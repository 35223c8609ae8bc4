/**
 * The account's token gate as the job queue's ChargePort: each item is authorized before it runs
 * (anonymous: the daily free quota; signed in: the verified balance), and the ticket's debit or quota
 * use is written with the generation in the store's one transaction.
 */
import { recordArgs } from '../account/ticket';
import type { TokenGate } from '../account/wallet';
import type { ChargePort } from './journal';

export function tokenGateCharges(gate: TokenGate): ChargePort {
  return {
    async authorize(operation) {
      const ticket = await gate.authorize(operation);
      const [debit, options] = recordArgs(ticket, 'done');
      return { ...(debit ? { debit } : {}), options, release: () => gate.release(ticket) };
    },
  };
}
