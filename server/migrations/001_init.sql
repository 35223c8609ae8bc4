-- Accounts, sessions, devices, the append-only token ledger and purchases.
CREATE TABLE accounts (
  id            TEXT PRIMARY KEY,
  email         TEXT UNIQUE,
  password_hash TEXT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  deleted_at    TIMESTAMPTZ
);

-- One row per account: the balance and the sequence number of its statements, changed only in the
-- same transaction as a ledger entry (SELECT … FOR UPDATE serialises concurrent debits).
CREATE TABLE balances (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  balance    BIGINT NOT NULL CHECK (balance >= 0),
  seq        BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE ledger (
  id          BIGSERIAL PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  kind        TEXT NOT NULL CHECK (kind IN ('credit', 'debit')),
  amount      BIGINT NOT NULL CHECK (amount > 0),
  reason      TEXT NOT NULL,
  -- The client's UUID for debits, the payment event for purchases: each applies once, ever.
  idempotency_key TEXT NOT NULL UNIQUE,
  device_id   TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_account ON ledger(account_id, id);

CREATE TABLE devices (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  name        TEXT NOT NULL,
  platform    TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at  TIMESTAMPTZ
);
CREATE INDEX devices_account ON devices(account_id);

CREATE TABLE auth_codes (
  code_hash      TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL REFERENCES accounts(id),
  client_id      TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at     TIMESTAMPTZ NOT NULL,
  used_at        TIMESTAMPTZ
);

-- Refresh tokens are stored hashed; a family is every token rotated from one sign-in.
CREATE TABLE refresh_tokens (
  token_hash  TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  rotated_at  TIMESTAMPTZ,
  revoked_at  TIMESTAMPTZ
);
CREATE INDEX refresh_family ON refresh_tokens(family_id);

CREATE TABLE checkouts (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  pack_id     TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at TIMESTAMPTZ
);

CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
