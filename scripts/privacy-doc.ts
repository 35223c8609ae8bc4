/**
 * PRIVACY.md is written from the statements the app's Privacy page shows
 * (renderer/src/components/privacy-text.ts), so the two say the same thing. Run
 * `npx tsx scripts/privacy-doc.ts` after changing a statement; scripts/privacy-doc.test.ts fails until you do.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRIVACY_SECTIONS } from '../renderer/src/components/privacy-text';

const INTRO = `# Privacy

Atelier is a local-first image studio. This page says what it stores, where, for how long, and what it
sends. The app shows the same statements on its Privacy page in plain words (the technical detail that
follows each is here only); each names the tests that check it.
(Written by \`npx tsx scripts/privacy-doc.ts\` from \`renderer/src/components/privacy-text.ts\`.)
`;

const OUTRO = `## Where the profile folder is

\`--profile DIR\`, else \`ATELIER_HOME\`, else \`%APPDATA%\\Atelier\` (Windows), \`~/Library/Application Support/Atelier\`
(macOS) or \`$XDG_CONFIG_HOME/atelier\`, by default \`~/.config/atelier\` (Linux). It holds \`atelier.db\` (with
\`atelier.db-wal\` and \`atelier.db-shm\` while Atelier runs), \`staging/\` (browser uploads, transient), \`cache/\`
(batch lock files, no image data), \`models/\` (models you added) and \`settings.json\` (the license server
address, if you set one).

## How the tests check this

- \`privacy-marker.test.ts\` uploads photos carrying 48 random bytes through \`atelier serve\` (real HTTP and
  WebSocket), processes them, and searches every file of the profile and of the temp folder for those bytes,
  raw and as Base64 and base64url at each of the three alignments, with the host still running: after a
  privacy-mode generation, after deleting an item (at once, and with Undo once its window has passed),
  after a retention expiry (the clock moved 8 days on) and
  after deleting the account. It first checks that the same search does find a stored original.
- \`network.test.ts\` runs \`atelier serve\` as its own process with a preload that records every outgoing
  connection, host-name lookup and byte written to an outgoing socket, through cut-out, a batch, history
  (list, images, pin, re-render, export, delete), browser sign-in, spending with sync, analytics switched on
  and account deletion. The only destination is the license server, and no photo byte or file name is in
  what was sent.
- \`export-all.test.ts\` unzips an export and checks each file, and fails when a table of the database is not
  exported. \`server/test/account-delete.test.ts\` checks the license server's side of account deletion on
  PGlite and PostgreSQL.

Not covered by these tests: the Electron shell (it runs the same engine and handler table, but its binary
cannot run on our CI machines), and native libraries (onnxruntime, sharp, SQLite) opening connections
outside Node's \`net\` module.
`;

export function privacyMarkdown(): string {
  const body = PRIVACY_SECTIONS.map((section) =>
    [
      `## ${section.title}`,
      '',
      ...section.statements.map(
        (s) =>
          `- ${s.text}${s.detail ? ` ${s.detail}` : ''}\n  <sub>Checked by ${s.proof.map((p) => `\`${p}\``).join(', ')}.</sub>`,
      ),
      '',
    ].join('\n'),
  );
  return [INTRO, ...body, OUTRO].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'PRIVACY.md');
  writeFileSync(file, privacyMarkdown());
  console.log(`wrote ${file}`);
}
