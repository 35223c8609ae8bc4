/**
 * What the Privacy page says, one statement at a time, each with the tests that prove it. PRIVACY.md
 * in the repository says the same sentences, followed by their technical detail (scripts/privacy-doc.test.ts
 * checks both, that the page's words stay plain, and that each named test file exists), so the page, the
 * document and the tests cannot drift apart.
 */
export interface PrivacyStatement {
  /** What the Privacy page shows: plain words, no technical terms (scripts/privacy-doc.test.ts checks). */
  text: string;
  /** The precise technical statement behind it, in PRIVACY.md only (database details, encodings). */
  detail?: string;
  /** Test files (from the repository root) that check this statement. */
  proof: readonly string[];
}

export interface PrivacySection {
  title: string;
  statements: readonly PrivacyStatement[];
}

const MARKER = 'electron/engine/api/test/privacy-marker.test.ts';
const NETWORK = 'electron/engine/api/test/network.test.ts';
const EXPORT = 'electron/engine/store/test/export-all.test.ts';
const SERVER_DELETE = 'server/test/account-delete.test.ts';
const HISTORY = 'electron/engine/store/test/history.test.ts';
const MODELS = 'scripts/models.test.ts';
const SIGN_IN = 'electron/engine/account/sign-in.integration.test.ts';

export const PRIVACY_SECTIONS: readonly PrivacySection[] = [
  {
    title: 'What is stored, and where',
    statements: [
      {
        text: 'Atelier runs its models on this computer. Your photos are processed here and are never sent anywhere.',
        proof: [NETWORK],
      },
      {
        text: 'Your history is kept in one file, atelier.db, in your profile folder (shown at the bottom of Settings). For each item it keeps what you did and with which settings, the original photo and the result, with small previews of both.',
        detail:
          'Each item row holds the operation, its parameters, the model, timings and tokens spent; images are stored in the SQLite database as Base64 text.',
        proof: [MARKER, EXPORT],
      },
      {
        text: 'The original is kept so you can re-render an item with new settings. With privacy mode on, the original is never stored anywhere: not in your history, not as a preview, not as a temporary file. Such items say "privacy mode" in History and cannot be re-rendered.',
        detail: 'Not in the database, not in its write-ahead log, not as a preview, cache or temporary file.',
        proof: [MARKER, HISTORY],
      },
      {
        text: 'Photos dropped into Atelier in a browser wait in the staging folder of your profile only until their item is recorded or fails; then they are deleted. A photo whose batch was cancelled or stopped for lack of tokens before it ran waits there so you can resume it. Anything left there is deleted when Atelier starts.',
        proof: [MARKER],
      },
      {
        text: 'The database also keeps your token ledger (debits and the last balance statement signed by the license server), your settings, your batches (the paths of their files) and, when you are signed in, your email. Your sign-in token is kept in the system keychain, not in the database. Atelier never stores your password.',
        proof: [EXPORT, SIGN_IN, NETWORK],
      },
      {
        text: 'Results you save are written to the output folder you choose. They are your files: Atelier never deletes them.',
        proof: [MARKER],
      },
    ],
  },
  {
    title: 'How long',
    statements: [
      {
        text: 'Results in the history are kept for 7 days unless you pin them or choose another number of days in Settings; then they are deleted. The item and its original stay so you can re-render it.',
        proof: [MARKER, HISTORY],
      },
      {
        text: 'Originals are kept until you delete the item or your account.',
        proof: [MARKER],
      },
      {
        text: 'When you delete an item you can undo it for 10 seconds; then, or when you quit Atelier, it is erased from this computer while Atelier keeps running. In privacy mode it is erased at once, with no undo. Deleting your account or a result expiring erases it at once.',
        detail:
          'Until the undo window ends the item waits in a trash inside the database, hidden from History, exports and every other view. Erased means its bytes are removed from the database file and its write-ahead log. Our tests plant unique bytes in a photo and search the whole profile for them afterwards, raw and as Base64: they are found nowhere.',
        proof: [MARKER],
      },
    ],
  },
  {
    title: 'What is sent',
    statements: [
      {
        text: 'Atelier connects only to the license server: to sign in (in your browser), to register this computer (its name and operating system), to keep your balance, to send the token debits of your generations (an id, the operation, the number of tokens and the time) and to buy tokens. Images and file names are never sent.',
        proof: [NETWORK],
      },
      {
        text: 'There are no analytics. The analytics setting is off by default, and in this version nothing is sent even when it is on.',
        proof: [NETWORK],
      },
      {
        text: 'Atelier does not download models while you work. Extra models are installed only when you ask, from the Models page or the model tool; each file is checked against its published size and fingerprint, and nothing is installed when they do not match.',
        detail: 'The fingerprint is the SHA-256 published in the model manifest.',
        proof: [NETWORK, MODELS],
      },
    ],
  },
  {
    title: 'Your data is yours',
    statements: [
      {
        text: 'Export gives you one zip with everything stored for your account: originals, results, masks and hand edits, every parameter, your token ledger and balance statements, settings, batches and account details, with a README that explains each file. It never contains your password or sign-in token.',
        proof: [EXPORT, MARKER],
      },
      {
        text: 'Delete account deletes everything of your account on this computer. When you are signed in, it also deletes your email, password hash, sessions and devices on the license server. The token ledger stays there under an anonymous id, because purchases and spending are accounting records.',
        proof: [MARKER, SERVER_DELETE, NETWORK],
      },
    ],
  },
];
