/**
 * The highest statement seq this device has accepted, kept in the OS keychain beside the refresh token
 * (not in SQLite): a statement copied back into the profile's database from an older backup verifies
 * fine (the server did sign it) but names a lower seq, and is refused against this floor.
 */
import { keychainService, type CredentialStore } from './credentials';

const entry = (serverAccountId: string) => `${serverAccountId}#statement-seq`;

export async function readSeqFloor(
  credentials: CredentialStore,
  serverOrigin: string,
  serverAccountId: string,
): Promise<number> {
  const stored = await credentials.get(keychainService(serverOrigin), entry(serverAccountId));
  const n = Number(stored);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Raises the floor to `seq` (never lowers it). */
export async function raiseSeqFloor(
  credentials: CredentialStore,
  serverOrigin: string,
  serverAccountId: string,
  seq: number,
): Promise<void> {
  if (seq <= (await readSeqFloor(credentials, serverOrigin, serverAccountId))) return;
  await credentials.set(keychainService(serverOrigin), entry(serverAccountId), String(seq));
}
