/**
 * How a run is paid for, as a port: jobs/ (queue, watch) and operations/ (regenerate) both take one,
 * the account's token gate implements it (jobs/charges.ts). Types only, so no module imports another's
 * runtime to use it.
 */
import type { DebitInput, RecordOptions } from '../store/types';
import type { OperationName } from './types';

/** A paid-for permission to record one generation (from the account's token gate). */
export interface GenerationCharge {
  debit?: DebitInput;
  options?: RecordOptions;
  /** Ends the reservation: called once the generation is recorded, or when the item did not finish. */
  release(): void;
}

/** Authorizes one generation of `operation` before it runs; throws (INSUFFICIENT_TOKENS…) when it may not. */
export interface ChargePort {
  authorize(operation: OperationName): Promise<GenerationCharge>;
}
