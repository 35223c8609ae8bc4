/**
 * Whether the OS keychain (keytar: the Secret Service on Linux) answers here: the tests that store a
 * refresh token for real ask once and skip with this reason where it does not (a failure in CI, see
 * ci.ts). `npm test` starts a D-Bus session with an unlocked gnome-keyring itself where
 * dbus-run-session and gnome-keyring-daemon are installed (scripts/test.js).
 */
import { KeytarCredentialStore } from '../account/credentials';

const HOW =
  'run the tests with `npm test` (it starts a D-Bus session and a keyring where the Debian packages dbus and gnome-keyring are installed)';

/** A reason the keychain cannot be used here, or null when a probe read answered. */
export async function keychainProblem(timeoutMs = 15_000): Promise<string | null> {
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS)
    return `no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset): ${HOW}`;
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the Secret Service did not answer within ${timeoutMs / 1000} s: ${HOW}`),
      timeoutMs,
    );
  });
  const probe = new KeytarCredentialStore().get('Atelier (probe)', 'probe').then(
    () => null,
    (e: unknown) => `no usable Secret Service (${(e as Error).message}): ${HOW}`,
  );
  try {
    return await Promise.race([probe, silent]);
  } finally {
    clearTimeout(timer);
  }
}
