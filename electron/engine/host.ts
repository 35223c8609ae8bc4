/**
 * What only the hosting shell can do. The engine never imports Electron: the Electron main process,
 * `atelier serve` and the CLI each implement this small interface (the CLI and serve mostly as no-ops
 * or by printing), so engine code can ask for them without knowing who hosts it.
 */
export interface Host {
  readonly kind: 'electron' | 'serve' | 'cli';
  /** Opens an https URL in the system browser (sign-in, checkout). Hosts allow-list what they open. */
  openExternal(url: string): Promise<void>;
  /** Overall batch progress 0..1, or null to clear (taskbar / dock progress in Electron). */
  setProgress(fraction: number | null): void;
  /** A desktop notification (batch finished); hosts without notifications may ignore it. */
  notify(title: string, body: string): void;
  /** Shows a file in the OS file manager. */
  revealInFolder(file: string): void;
  /**
   * The native save dialog; the chosen path, or null when cancelled. Hosts without one (serve, CLI)
   * leave it out or answer null: the browser downloads instead.
   */
  saveFileDialog?(suggestedName: string, filters: FileFilter[]): Promise<string | null>;
  /** The native folder picker (output folder); null when cancelled or when the host has none. */
  pickFolder?(): Promise<string | null>;
}

/** A save dialog's file type entry (Electron's shape): "PNG image" → ['png']. */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/** A Host for headless use (tests, CLI): prints the URL to open and ignores window chrome. */
export function headlessHost(log: (line: string) => void = (l) => console.error(l)): Host {
  return {
    kind: 'cli',
    async openExternal(url) {
      log(`Open this URL in your browser: ${url}`);
    },
    setProgress() {},
    notify() {},
    revealInFolder(file) {
      log(file);
    },
    saveFileDialog: async () => null,
    pickFolder: async () => null,
  };
}
