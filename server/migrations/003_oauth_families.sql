-- The refresh-token family an authorization code started (a reused code revokes it, RFC 6749 §4.1.2),
-- and, for a just-rotated refresh token, its successor sealed with a key derived from the rotated token
-- itself: within a short grace window the same token presented again (the app and the CLI refreshing
-- at once) gets the same new pair instead of revoking the family. Useless without the old token.
ALTER TABLE auth_codes ADD COLUMN family_id TEXT;
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT
