/**
 * `atelier history list|show|export|delete|regenerate|backup|pin|unpin`: the local history of the
 * current account, from the command line. Shares the profile (and so the history) with the app.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AtelierError } from '../errors';
import { openProfile, resolveProfileDir } from '../profile';
import { assertFreeTarget } from '../store/write-targets';
import type { GenerationRow, HistoryFilter, Store } from '../store';
import type { CommandModule } from './command';

const HELP = `Usage: atelier history <subcommand> [options]

  list                      newest first (table, or --json)
      --operation OP        cutout, background, stylize, compose
      --status done|failed
      --from DATE --to DATE created in [from, to) (YYYY-MM-DD or ISO time)
      --search TEXT         part of the original file name
      --pinned              only pinned items
      --limit N             items per page (default 30); --cursor C for the next page
  show ID [--save-input FILE] [--save-output FILE] [--force]
                            an existing FILE is replaced only with --force
  export FILE.zip [--force] images + history.json of the current account (outside the profile folder);
                            an existing file is replaced only with --force
  delete ID…                delete items (and their images when nothing else uses them)
  delete --account ID --yes delete an account's whole history and compact the file
  regenerate ID --out FILE [--set key=value]… [--params JSON] [--force]
                            run an item again from its stored original with changed parameters;
                            a cut-out whose composition alone changes (background=#ff0000,
                            background=linear:#fff,#ddd,180, background=blur:24, shadow=soft,
                            canvas=amazon, trim=20, feather=2, edges=hard, format=webp) is re-rendered
                            from its stored mask for free; model=… or refine=… runs the model (charged)
  backup FILE [--force]     online copy of the history database (--force replaces an existing file)
  pin ID… | unpin ID…       pinned outputs never expire
  accounts                  this profile's accounts (the current one is marked *)

Options: --json  --profile DIR (or ATELIER_HOME)`;

const OPTIONS = {
  json: { type: 'boolean' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  operation: { type: 'string' },
  status: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  search: { type: 'string' },
  pinned: { type: 'boolean' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  'save-input': { type: 'string' },
  'save-output': { type: 'string' },
  account: { type: 'string' },
  yes: { type: 'boolean' },
  force: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  set: { type: 'string', multiple: true },
  params: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (cause) {
    throw usage(cause instanceof Error ? cause.message : String(cause));
  }
}

function usage(message: string): AtelierError {
  return new AtelierError('USAGE', `atelier history: ${message}`, { hint: 'run `atelier history --help`' });
}

function parseId(raw: string | undefined, field = 'ID'): number {
  if (raw === undefined) throw usage(`${field} is required`);
  if (!/^\d+$/.test(raw)) throw usage(`${field} must be a history item number, got "${raw}"`);
  return Number(raw);
}

async function openStore(values: Values): Promise<Store> {
  const { Store } = await import('../store');
  return Store.open(openProfile(resolveProfileDir(values.profile)));
}

const command: CommandModule = {
  async run(argv) {
    const { values, positionals } = parse(argv);
    const [sub, ...args] = positionals;
    if (values.help || !sub) {
      console.log(HELP);
      return values.help ? 0 : 1;
    }
    const handler = subcommands[sub];
    if (!handler) throw usage(`unknown subcommand "${sub}"`);
    const store = await openStore(values);
    try {
      return await handler(store, args, values);
    } finally {
      store.close();
    }
  },
};
export const { run } = command;

type Handler = (store: Store, args: string[], values: Values) => Promise<number>;

const subcommands: Record<string, Handler> = {
  async list(store, _args, v) {
    const filter: HistoryFilter = {
      ...(v.operation ? { operation: v.operation } : {}),
      ...(v.status ? { status: statusOf(v.status) } : {}),
      ...(v.from ? { from: v.from } : {}),
      ...(v.to ? { to: v.to } : {}),
      ...(v.search ? { text: v.search } : {}),
      ...(v.pinned ? { pinned: true } : {}),
    };
    const limit = v.limit === undefined ? 30 : parseId(v.limit, '--limit');
    const page = store.history({ ...filter, limit, cursor: v.cursor ?? null });
    const total = store.count(filter);
    if (v.json) {
      console.log(
        JSON.stringify({
          account: store.currentAccountId,
          total,
          items: page.items,
          nextCursor: page.nextCursor,
        }),
      );
      return 0;
    }
    if (page.items.length === 0) {
      console.log(total ? 'No more items.' : 'No history yet for this account.');
      return 0;
    }
    console.log(formatTable(page.items));
    const more = page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : '';
    console.log(`\n${page.items.length} shown of ${total}${more}`);
    return 0;
  },

  async show(store, args, v) {
    const item = store.getGeneration(parseId(args[0]));
    const force = v.force === true;
    if (v['save-input']) saveImage(store, item.inputImageId, v['save-input'], 'input', item, force);
    if (v['save-output']) saveImage(store, item.outputImageId, v['save-output'], 'output', item, force);
    if (v.json) {
      console.log(JSON.stringify(item));
      return 0;
    }
    const lines: [string, string][] = [
      ['id', String(item.id)],
      ['created', item.createdAt],
      ['operation', item.operation],
      ['status', item.error ? `${item.status}: ${item.error}` : item.status],
      ['file', item.inputName ?? '—'],
      ['model', item.model ?? '—'],
      ['provider', item.provider ?? '—'],
      ['tokens', String(item.tokensSpent)],
      [
        'timings',
        Object.entries(item.timings)
          .map(([k, ms]) => `${k} ${Math.round(ms)} ms`)
          .join(', ') || '—',
      ],
      ['params', JSON.stringify(item.params)],
      ['input', item.input ? describeImage(item.input) : item.inputPurged ? 'deleted (privacy mode)' : '—'],
      ['output', item.output ? describeImage(item.output) : item.outputExpired ? 'expired' : '—'],
      ['expires', item.pinned ? 'never (pinned)' : (item.expiresAt ?? 'never')],
      ['batch', item.batchId ?? '—'],
      ['regenerated from', item.sourceGenerationId === null ? '—' : String(item.sourceGenerationId)],
    ];
    for (const [k, val] of lines) console.log(`${k.padEnd(17)} ${val}`);
    return 0;
  },

  async export(store, args, v) {
    const file = args[0];
    if (!file) throw usage('export needs a FILE.zip');
    const result = await store.exportHistory(file, undefined, {}, { overwrite: v.force === true });
    if (v.json) console.log(JSON.stringify(result));
    else
      console.log(
        `Exported ${result.generations} items and ${result.images} images to ${result.file} (${mb(result.bytes)})`,
      );
    return 0;
  },

  async delete(store, args, v) {
    if (v.account) {
      if (!v.yes) throw usage(`deleting account ${v.account} erases its whole history: add --yes to confirm`);
      store.deleteAccount(v.account);
      console.log(`Deleted account ${v.account} and compacted the history file.`);
      return 0;
    }
    if (args.length === 0) throw usage('delete needs at least one ID (or --account ID --yes)');
    const ids = args.map((a) => parseId(a));
    for (const id of ids) store.deleteGeneration(id);
    if (!v.json) console.log(`Deleted ${ids.length} item${ids.length === 1 ? '' : 's'}.`);
    else console.log(JSON.stringify({ deleted: ids }));
    return 0;
  },

  async accounts(store, _args, v) {
    const current = store.currentAccountId;
    const rows = store.accounts().map((a) => ({
      ...a,
      current: a.id === current,
      items: store.db
        .prepare('SELECT count(*) FROM generations WHERE account_id = ?')
        .pluck()
        .get(a.id) as number,
    }));
    if (v.json) {
      console.log(JSON.stringify(rows));
      return 0;
    }
    for (const a of rows) {
      const who = a.kind === 'anonymous' ? 'anonymous (this computer)' : (a.email ?? a.serverUserId ?? '');
      console.log(
        `${a.current ? '*' : ' '} ${a.id.padEnd(36)}  ${String(a.items).padStart(6)} items  ${who}`,
      );
    }
    return 0;
  },

  async pin(store, args) {
    for (const id of args.map((a) => parseId(a))) store.setPinned(id, true);
    return 0;
  },

  async unpin(store, args) {
    for (const id of args.map((a) => parseId(a))) store.setPinned(id, false);
    return 0;
  },

  async backup(store, args, v) {
    const file = args[0];
    if (!file) throw usage('backup needs a FILE');
    const result = await store.backup(file, { overwrite: v.force === true });
    if (v.json) console.log(JSON.stringify(result));
    else console.log(`Backed up the history to ${result.file} (${mb(result.bytes)})`);
    return 0;
  },

  async regenerate(_store, args, v) {
    const id = parseId(args[0]);
    if (!v.out) throw usage('regenerate needs --out FILE (where the new image goes)');
    const changes = { ...parseJsonParams(v.params), ...parseSets(v.set ?? []) };
    const out = path.resolve(v.out);
    // Before any model run or charge: an existing file is replaced only when asked, as `show` does.
    assertFreeTarget(out, v.force === true, 'regenerated image');
    const { row, version } = await regenerate(id, changes, out, resolveProfileDir(v.profile));
    if (v.json) console.log(JSON.stringify({ ...row, versionOf: version ? row.sourceGenerationId : null }));
    else if (row.status === 'done' && version)
      console.log(
        `Re-rendered item ${id} from its stored mask as version ${row.id} (no model run, ${row.tokensSpent} tokens): ${v.out}`,
      );
    else if (row.status === 'done') console.log(`Regenerated item ${id} as item ${row.id}: ${v.out}`);
    else
      console.error(
        `atelier: regenerating item ${id} failed (recorded as item ${row.id}): ${row.error ?? 'unknown error'}`,
      );
    return row.status === 'done' ? 0 : 2;
  },
};

/**
 * Runs a history item again through the engine, recorded and linked to its source: a cut-out whose
 * composition alone changes is re-rendered from its stored mask (a free version of the same item);
 * a model change is a charged run.
 */
async function regenerate(
  id: number,
  changes: Record<string, unknown>,
  out: string,
  profileDir: string,
): Promise<{ row: GenerationRow; version: boolean }> {
  const { Engine } = await import('../engine');
  const engine = await Engine.open({ profileDir });
  try {
    const row = await engine.regenerate(id, changes, out);
    return { row, version: engine.editor.records.root(row.id).id !== row.id };
  } finally {
    await engine.close();
  }
}

function statusOf(raw: string): 'done' | 'failed' {
  if (raw === 'done' || raw === 'failed') return raw;
  throw usage(`--status must be done or failed, got "${raw}"`);
}

function parseJsonParams(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usage('--params must be a JSON object, e.g. \'{"edges":"hard"}\'');
}

/** `--set key=value`: value parsed as JSON when it is (numbers, booleans, objects), else a string. */
export function parseSets(sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw usage(`--set takes key=value, got "${s}"`);
    const raw = s.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[s.slice(0, eq)] = value;
  }
  return out;
}

function saveImage(
  store: Store,
  imageId: number | null,
  file: string,
  which: string,
  item: GenerationRow,
  force: boolean,
): void {
  if (imageId === null) {
    const why =
      which === 'input' && item.inputPurged
        ? 'deleted by privacy mode'
        : which === 'output' && item.outputExpired
          ? 'expired'
          : 'not stored';
    throw new AtelierError('NOT_FOUND', `Item ${item.id} has no ${which} image (${why})`, {
      hint: 'nothing to save',
    });
  }
  assertFreeTarget(file, force, `${which} image`);
  // 'wx': a file that appeared since the check is not replaced either.
  writeFileSync(file, store.image(imageId).bytes, { flag: force ? 'w' : 'wx' });
}

function describeImage(i: { width: number; height: number; mime: string; byteSize: number }): string {
  return `${i.width}×${i.height} ${i.mime} ${mb(i.byteSize)}`;
}

function mb(bytes: number): string {
  return bytes >= 1_048_576
    ? `${(bytes / 1_048_576).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function formatTable(items: readonly GenerationRow[]): string {
  const rows = items.map((g) => [
    String(g.id),
    g.createdAt.slice(0, 16).replace('T', ' '),
    g.operation,
    g.status,
    g.model ?? '',
    g.provider ?? '',
    String(g.tokensSpent),
    [g.pinned ? 'pinned' : '', g.outputExpired ? 'expired' : '', g.inputPurged ? 'private' : '']
      .filter(Boolean)
      .join(','),
    g.inputName ?? '',
  ]);
  const header = [
    'ID',
    'CREATED (UTC)',
    'OPERATION',
    'STATUS',
    'MODEL',
    'PROVIDER',
    'TOKENS',
    'FLAGS',
    'FILE',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
