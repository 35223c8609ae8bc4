// The tests that use the OS keychain need a D-Bus session with a Secret Service. Where none is running
// (no DBUS_SESSION_BUS_ADDRESS) and dbus-run-session and gnome-keyring-daemon are installed, the test
// commands re-run themselves inside a new session with an unlocked gnome-keyring whose files live in
// a temporary folder (a login keyring left on the machine with another password would make it prompt
// instead of storing). Otherwise they say once why those tests will skip.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Re-runs this script in a keyring session and exits with its status, or returns to go on here. */
export function inKeyringSession() {
  if (process.platform !== 'linux' || process.env.DBUS_SESSION_BUS_ADDRESS) return;
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !onPath(c));
  if (missing.length > 0) {
    console.warn(
      `[keychain] no D-Bus session, and ${missing.join(' and ')} not installed: the tests that need the OS ` +
        'keychain skip and say so (apt-get install dbus gnome-keyring to run them)',
    );
    return;
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'atelier-keyring-'));
  console.log(`[keychain] running in a new D-Bus session with gnome-keyring (its files in ${home})`);
  const unlockThenRun =
    'printf %s atelier-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
  const result = spawnSync(
    'dbus-run-session',
    ['--', 'sh', '-c', unlockThenRun, 'sh', process.execPath, ...process.argv.slice(1)],
    // NO_AT_BRIDGE: Chromium would otherwise start the accessibility bus in this session and log it.
    { stdio: 'inherit', env: { ...process.env, XDG_DATA_HOME: home, NO_AT_BRIDGE: '1' } },
  );
  rmSync(home, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
