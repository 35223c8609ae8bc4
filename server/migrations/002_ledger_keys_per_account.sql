-- Idempotency keys are scoped to their account: the same debit id sent by two accounts is two debits,
-- never a unique-violation that fails one account's whole batch or tells it the id exists elsewhere.
ALTER TABLE ledger DROP CONSTRAINT ledger_idempotency_key_key;
ALTER TABLE ledger ADD CONSTRAINT ledger_account_idempotency_key UNIQUE (account_id, idempotency_key);
