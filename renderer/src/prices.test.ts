/**
 * One price table: Account's price list, the Studio's cost line and the token check all say what the
 * engine's table (account status → priceTable) says, in the same words for what is free. The screens
 * are rendered for real (React's server renderer) from the store's state; change the table and every
 * screen changes with it. Regression: Account listed "background 1 token" while the Studio said a
 * background change is free, and priced Stylize at 2 tokens while the Studio charged 1.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AccountStatus, HistoryItem } from '../../electron/engine/api/contract';

// The API client picks its transport at import; these screens only render, they call nothing.
Object.assign(globalThis, {
  window: {
    atelier: {
      invoke: () => Promise.reject(new Error('no engine in this test')),
      on: () => () => {},
      getPathForFile: () => '',
    },
  },
});
const { useStore } = await import('./store');
const { Account } = await import('./components/Account');
const { ResultActions } = await import('./components/ResultActions');
const { TokenCheck } = await import('./components/TokenCheck');
const { FREE_WORDS, TOKEN_LEGEND } = await import('./prices');
/**
 * React's server renderer reads a zustand store's initial state (its server snapshot), so the state
 * each screen renders with is written there too (the test's own copy of the store module).
 */
const show = (partial: Partial<ReturnType<typeof useStore.getState>>) => {
  useStore.setState(partial);
  Object.assign(useStore.getInitialState(), partial);
};

const table = (stylize: number): AccountStatus['priceTable'] => [
  { id: 'cutout', label: 'Cut out a photo', tokens: 3, freeGenerations: 1 },
  { id: 'stylize', label: 'Stylize a photo', tokens: stylize, freeGenerations: 1 },
  { id: 'compose', label: 'Match a reference picture', tokens: 5, freeGenerations: 1 },
  { id: 'composition', label: 'Change a cut-out’s background', tokens: 0, freeGenerations: 0 },
  { id: 'touch-up', label: 'Touch up a cut-out with the brush', tokens: 0, freeGenerations: 0 },
];

const account = (kind: 'anonymous' | 'signed_in', stylize: number): AccountStatus => ({
  kind,
  email: kind === 'signed_in' ? 'ana@example.com' : null,
  serverUrl: 'https://license.example.com',
  balance: kind === 'signed_in' ? 50 : null,
  validUntil: null,
  pendingDebits: 0,
  quota: kind === 'anonymous' ? { used: 2, limit: 10, resetsAt: new Date().toISOString() } : null,
  // The raw list disagrees on purpose: the screens must show the table, never this.
  prices: { cutout: 1, background: 1, stylize: 2, compose: 2 },
  priceTable: table(stylize),
  blockedReason: null,
});

const item: HistoryItem = {
  id: 1,
  operation: 'cutout',
  status: 'done',
  error: null,
  inputName: 'lamp.jpg',
  inputImageId: 2,
  outputImageId: 3,
  latestOutputImageId: 3,
  inputPurged: false,
  privacyMode: false,
  outputExpired: false,
  createdAt: '2026-12-05T10:00:00.000Z',
  expiresAt: null,
  pinned: false,
  model: 'u2netp',
  provider: 'cpu',
  tokensSpent: 1,
  params: { format: 'png', edges: 'soft', refine: true, feather: 0, decontaminate: true },
  timings: {},
  sourceGenerationId: null,
  batchId: null,
  maskImageId: 4,
  versionOf: null,
  versions: 0,
  canRerender: true,
  rerenderBlockedReason: null,
};

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const render = (component: () => unknown) => text(renderToStaticMarkup(createElement(component as never)));

function screens(status: AccountStatus) {
  show({ account: status, view: 'account' });
  const accountPage = render(Account);
  // The Studio: a cut-out shown, Stylize chosen in the panel.
  show({ selected: item, selectedItemId: 1, operation: 'stylize', queue: [] });
  const studioStylize = render(ResultActions);
  // The Studio: a background change on the cut-out.
  show({
    operation: 'cutout',
    recipe: { ...item.params, background: { type: 'color', color: { r: 1, g: 2, b: 3, a: 255 } } },
  });
  const studioComposition = render(ResultActions);
  show({
    operation: 'stylize',
    settings: null,
    tokenCheck: {
      inputs: ['/a.jpg', '/b.jpg'],
      estimate:
        status.kind === 'signed_in'
          ? { tokens: 2 * status.priceTable[1]!.tokens, freeLeft: null, balance: 50, enough: true }
          : { tokens: 2, freeLeft: 8, balance: null, enough: true },
    },
  });
  const tokenCheck = render(TokenCheck);
  return { accountPage, studioStylize, studioComposition, tokenCheck };
}

describe('one price table on every screen', () => {
  it('signed in: Account, the Studio and the token check show the table’s tokens', () => {
    for (const stylize of [7, 9]) {
      const s = screens(account('signed_in', stylize));
      expect(s.accountPage).toContain(`Stylize a photo ${stylize} tokens`);
      expect(s.accountPage).toContain('Cut out a photo 3 tokens');
      expect(s.studioStylize).toContain(`makes a new result: ${stylize} tokens`);
      expect(s.tokenCheck).toContain(`will use ${2 * stylize} tokens (${stylize} tokens each)`);
      // The raw list's stale figures appear nowhere.
      expect(s.accountPage).not.toMatch(/background\s+1 token/i);
      expect(s.studioStylize).not.toContain('2 tokens');
    }
  });

  it('what is free says so in the same words on Account and in the Studio', () => {
    const s = screens(account('signed_in', 7));
    expect(s.accountPage).toContain(`Change a cut-out’s background ${FREE_WORDS}`);
    expect(s.accountPage).toContain(`Touch up a cut-out with the brush ${FREE_WORDS}`);
    expect(s.studioComposition).toContain(FREE_WORDS);
    // The token badge is explained where prices are listed.
    expect(s.accountPage).toContain(TOKEN_LEGEND.slice(0, 40));
  });

  it('without an account every model run is one free generation, on every screen', () => {
    const s = screens(account('anonymous', 7));
    expect(s.accountPage).toContain('Stylize a photo 1 free generation');
    expect(s.studioStylize).toContain('makes a new result: 1 free generation');
    expect(s.tokenCheck).toContain('will use 2 free generations (1 free generation each)');
    expect(s.accountPage).toContain(`Change a cut-out’s background ${FREE_WORDS}`);
  });
});
