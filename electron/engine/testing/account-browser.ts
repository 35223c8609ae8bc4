/**
 * Test-only: a Host whose "system browser" is a person filling in the license server's sign-in page over
 * plain HTTP: GET the authorize page, POST its form (hidden fields kept) with email and password, then
 * follow the 302 to the app's loopback listener, as a browser would. Not imported by product code.
 */
import type { Host } from '../host';

function formFields(html: string): { action: string | undefined; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
    if (!name) continue;
    fields[name] = decodeEntities(/\bvalue="([^"]*)"/i.exec(tag)?.[1] ?? '');
  }
  const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(html)?.[1];
  return { action: action === undefined ? undefined : decodeEntities(action), fields };
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface BrowserVisit {
  authorizeUrl: string;
  /** Where the sign-in page redirected to (the loopback callback). */
  redirectedTo?: string;
  callbackStatus?: number;
}

export function signInBrowser(credentials: {
  email: string;
  password: string;
}): Host & { visits: BrowserVisit[] } {
  const visits: BrowserVisit[] = [];
  return {
    kind: 'cli',
    visits,
    async openExternal(url) {
      const visit: BrowserVisit = { authorizeUrl: url };
      visits.push(visit);
      // Like a browser: the page is fetched and submitted in the background while the app waits.
      void (async () => {
        const page = await fetch(url);
        const { action, fields } = formFields(await page.text());
        const target = new URL(action ?? url, url);
        const body = new URLSearchParams({
          ...fields,
          email: credentials.email,
          password: credentials.password,
        });
        const answer = await fetch(target, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const location = answer.headers.get('location');
        if (!location) throw new Error(`sign-in page answered ${answer.status} without a redirect`);
        visit.redirectedTo = location;
        visit.callbackStatus = (await fetch(location)).status;
      })().catch((e: unknown) => {
        visit.redirectedTo = `error: ${(e as Error).message}`;
      });
    },
    setProgress() {},
    notify() {},
    revealInFolder() {},
  };
}
