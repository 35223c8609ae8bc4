/**
 * The database schema as a list of forward-only migrations. Migration N brings a database from
 * user_version N-1 to N inside one transaction, so a crash mid-migration leaves the previous version
 * intact. Never edit a released migration: add a new one (the migration test builds every earlier
 * version and upgrades it with data in place).
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, images, generations, settings',
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('anonymous', 'signed_in')),
        server_user_id TEXT UNIQUE,
        email TEXT,
        created_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL
      );

      -- Images are Base64 TEXT, deduplicated per account by the sha256 of their bytes.
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        mime TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        data_base64 TEXT NOT NULL,
        thumb_webp_base64 TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (account_id, sha256)
      );

      CREATE TABLE generations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        operation TEXT NOT NULL,
        params_json TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        timings_json TEXT NOT NULL,
        tokens_spent INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
        error TEXT,
        input_name TEXT,
        input_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        output_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        input_purged INTEGER NOT NULL DEFAULT 0,
        output_expired INTEGER NOT NULL DEFAULT 0,
        batch_id TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        source_generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL
      );
      CREATE INDEX generations_page ON generations (account_id, created_at DESC, id DESC);
      CREATE INDEX generations_expiry ON generations (expires_at) WHERE expires_at IS NOT NULL AND pinned = 0;
      CREATE INDEX generations_input ON generations (input_image_id);
      CREATE INDEX generations_output ON generations (output_image_id);
      CREATE INDEX generations_source ON generations (source_generation_id);

      -- account_id NULL is a global setting; NULLs never collide in UNIQUE, hence the expression index.
      CREATE TABLE settings (
        account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value_json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX settings_key ON settings (coalesce(account_id, ''), key);
    `,
  },
  {
    version: 2,
    description: 'batches and their items (resumable folder jobs)',
    sql: `
      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        operation TEXT NOT NULL,
        params_json TEXT NOT NULL,
        output_dir TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'done')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX batches_account ON batches (account_id, created_at DESC);

      CREATE TABLE batch_items (
        id INTEGER PRIMARY KEY,
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        input_path TEXT NOT NULL,
        output_path TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'skipped')),
        error TEXT,
        generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        UNIQUE (batch_id, seq)
      );
      CREATE INDEX batch_items_status ON batch_items (batch_id, status, seq);
      CREATE INDEX generations_batch ON generations (batch_id);
    `,
  },
  {
    version: 3,
    description: 'local token ledger: debits, signed balance statements, free quota',
    sql: `
      CREATE TABLE token_debits (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
        operation TEXT NOT NULL,
        tokens INTEGER NOT NULL CHECK (tokens >= 0),
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'rejected')),
        confirmed_at TEXT,
        error TEXT
      );
      CREATE INDEX token_debits_state ON token_debits (account_id, state, created_at);

      CREATE TABLE balance_statements (
        account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        key_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        balance INTEGER NOT NULL,
        valid_until TEXT NOT NULL,
        received_at TEXT NOT NULL
      );

      CREATE TABLE free_quota (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, day)
      );
    `,
  },
  {
    version: 4,
    description: 'editor: cut-out masks, hand edits and re-render versions',
    sql: `
      -- A cut-out's editable state, on its root item: the model's full-resolution mask, the hand edits
      -- (JSON strokes) and the effective mask (model mask + strokes), all images in the images table.
      -- revision moves on at every save, so a second window's stale save can be refused.
      CREATE TABLE item_edits (
        generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
        model_mask_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        mask_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        strokes_json TEXT NOT NULL DEFAULT '[]',
        revision INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX item_edits_model_mask ON item_edits (model_mask_image_id);
      CREATE INDEX item_edits_mask ON item_edits (mask_image_id);

      -- A re-render (new composition, no model run) is a version of its root item, listed with it.
      CREATE TABLE item_versions (
        generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
        root_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        mask_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL
      );
      CREATE INDEX item_versions_root ON item_versions (root_id, generation_id);
      CREATE INDEX item_versions_mask ON item_versions (mask_image_id);
    `,
  },
  {
    version: 5,
    description: 'token reservations: generations authorized and not yet recorded, shared by every process',
    sql: `
      -- A reservation holds one free generation (kind free_quota, for its local day) or some tokens
      -- from authorization until the generation is recorded (deleted in that same transaction) or
      -- released; the CLI, serve and the app count each other's, so together they never exceed the
      -- quota or the balance. pid says whose it is: a dead process's reservations are swept.
      CREATE TABLE token_reservations (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('free_quota', 'tokens')),
        day TEXT,
        tokens INTEGER NOT NULL DEFAULT 0 CHECK (tokens >= 0),
        pid INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX token_reservations_account ON token_reservations (account_id);
    `,
  },
  {
    version: 6,
    description: 'the trash: deleted items that Undo can still put back',
    sql: `
      -- A Delete moves the item (head = 1) and its versions (head = 0) here; history queries leave
      -- them out. Undo removes the rows; after the undo window the items are deleted for good.
      CREATE TABLE trash (
        generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
        deletion_id TEXT NOT NULL,
        head INTEGER NOT NULL DEFAULT 0,
        trashed_at TEXT NOT NULL
      );
      CREATE INDEX trash_deletion ON trash (deletion_id);
    `,
  },
  {
    version: 7,
    description: 'thumbnails in a table of their own, away from the image data',
    sql: `
      -- SQLite reaches a column stored after images.data_base64 (tens of MB for a 24 MP photo) by
      -- walking that value's overflow pages: reading a thumbnail or created_at cost ~25 ms per big
      -- image, on the engine's thread, for every tile of the History grid. New thumbnails live here;
      -- older rows keep theirs in images (not copied: that walk, once per stored image, would hold
      -- the first start after the update for minutes on a large history) until they expire.
      CREATE TABLE image_thumbnails (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        webp_base64 TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = migrations.length;
