-- The installation a device was registered from (a random id the app keeps): registering again from
-- the same installation answers the device it already has instead of adding one. A registration whose
-- answer was lost (a dropped connection, a crash) used to leave a device behind, and a client that
-- retried through an outage could fill the account's device limit by itself. Unique among the
-- account's devices that are not revoked: a removed device's installation registers anew.
ALTER TABLE devices ADD COLUMN install_id TEXT;
CREATE UNIQUE INDEX devices_install ON devices(account_id, install_id)
  WHERE install_id IS NOT NULL AND revoked_at IS NULL
