/**
 * Bench data: N events in the Kinesis Firehose layout (gzip JSON lines under YYYY/MM/DD/HH/, one
 * file per 15-minute buffer) and the users dimension as CSV, shaped like the committed sample
 * (scripts/generate-sample.ts): sessions of a few users' click-streams, Firehose redeliveries
 * (duplicate event_ids), null event_ids, timestamps with millis, micros, whole seconds and
 * +02:00 offsets, user_ids beyond 2^53, unicode and \u escapes, unknown fields, CRLF, padded
 * currencies and pages, users missing from the CSV.
 *
 * Unlike the sample it has no malformed lines: every system must read every line the same way,
 * and DuckDB's read_json(ignore_errors) drops the good line after a broken one (shared/NOTES.md);
 * the quarantine path is covered by the tests, not by the bench.
 *
 * Deterministic for a given row count: a seeded PRNG, per-event seeds (a redelivered line is
 * re-rendered from its original's seed, so it is byte-identical), fixed gzip header.
 * Memory: events are generated as typed arrays and rendered to text one buffer file at a time.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatTs, hourFolder, pad, type TsStyle } from '../scripts/firehose-text.ts';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '../test/support/random.ts';

/** Bump when the generated data changes, so cached data sets are regenerated. */
export const GENERATOR_VERSION = 1;
const SEED = 20261101;

const US = 1_000_000;
const MINUTE = 60 * US;
const WINDOW_START = Date.UTC(2026, 9, 31, 22) * 1000;
const WINDOW_END = Date.UTC(2026, 10, 3, 2) * 1000;
const BUFFER = 15 * MINUTE;

const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase'] as const;
const VIEW = 0;
const PURCHASE = 3;
/** Next event type given the current one: cumulative weights over EVENT_TYPES. */
const NEXT: readonly (readonly number[])[] = [
  [50, 90, 100, 100], // view -> view 50, click 40, add_to_cart 10
  [60, 85, 100, 100], // click -> view 60, click 25, add_to_cart 15
  [50, 65, 65, 100], // add_to_cart -> view 50, click 15, purchase 35
  [100, 100, 100, 100], // purchase -> view
];

const COUNTRIES = [['US', 30], ['DE', 12], ['FR', 10], ['GB', 9], ['JP', 7], ['BR', 6], ['ES', 5], ['IN', 5], ['FI', 3], ['GR', 3], ['KR', 3], ['MX', 3], ['CA', 2], ['SE', 2]] as const;
const FIRST = ['Ana', 'Ben', 'Chloé', 'David', 'Émile', 'Fatima', 'Giulia', 'Hiro', 'Ines', 'Jonas', 'Kai', 'Léa', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Søren', 'Tomás', 'Wei', 'Yuki', 'Zoë'];
const LAST = ['García', 'Müller', 'Martin', 'Smith', 'Tanaka', 'Silva', 'Kowalski', 'Nguyễn', 'Johansson', 'Kim', 'López', 'Virtanen', 'Dubois', 'Rossi'];
const SPECIAL_NAMES = ['山田 太郎', "O'Brien, Siobhán", 'Ken "The Hammer" Sato', 'Müller, Jörg', '  Padded Name  ', 'Zoë 🦊 Fox'];
const PRODUCTS = ['crème-brûlée-mug', 'café-au-lait-set', '抹茶-ラテ', 'naïve-tee', 'smørrebrød-board', '🎧-headphones', 'ñandú-plush', 'über-kettle', 'socks', 'notebook', 'desk-lamp', 'backpack'];
const SEARCHES = ['naïve café', '抹茶', 'headphones 🎧', 'crème', 'gift ideas', 'キーボード'];
const CAMPAIGNS = ['black-friday', 'été-2026', '新規ユーザー', '🎃 halloween', 'newsletter-44'];
const SCREENS = ['HomeScreen', 'SearchScreen', 'ProductScreen', 'CartScreen'];
const BEYOND_2_53 = [9007199254740993n, 9007199254740995n, 9223372036854775807n];

const OS = ['ios', 'android', 'web'] as const;

interface User {
  readonly id: bigint;
  readonly name: string | null;
  readonly country: string;
  readonly signup: string;
  readonly plan: 'free' | 'pro';
  readonly os: number;
  readonly appVersion: string | null;
  readonly tsStyle: TsStyle;
  readonly inCsv: boolean;
}

export interface BenchData {
  readonly dir: string;
  /** Folder of the Firehose layout (input `raw` of events_clean). */
  readonly events: string;
  /** The users CSV (input `users` of daily_kpis). */
  readonly users: string;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

/** Generates the data set for `rows` event lines into `root/<rows>/`, or reuses it if already there. */
export function benchData(root: string, rows: number, log: (m: string) => void = () => {}): BenchData {
  const dir = path.join(root, String(rows));
  const marker = path.join(dir, 'complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as BenchData & { version: number };
    if (m.version === GENERATOR_VERSION) return { ...m, dir, events: path.join(dir, 'events'), users: path.join(dir, 'users', 'users.csv') };
  }
  log(`generating ${rows.toLocaleString('en-US')} events into ${path.relative(process.cwd(), dir)} ...`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const written = generate(tmp, rows);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(marker, JSON.stringify({ version: GENERATOR_VERSION, rows, ...written }, null, 2));
  return { dir, events: path.join(dir, 'events'), users: path.join(dir, 'users', 'users.csv'), rows, ...written };
}

function generate(dir: string, rows: number): { files: number; bytes: number } {
  const random = seededRandom(SEED ^ rows);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const exponential = (mean: number) => -Math.log(1 - random()) * mean;

  // --- users: about 25 event lines per user, as in the sample
  const userCount = Math.max(20, Math.ceil(rows / 25));
  const users = makeUsers(userCount, random);

  // --- events as typed arrays; duplicates point at their original
  const user = new Int32Array(rows);
  const ts = new Float64Array(rows);
  const type = new Uint8Array(rows);
  const arrival = new Float64Array(rows);
  const seed = new Uint32Array(rows);
  const original = new Int32Array(rows).fill(-1);
  const nullId = new Uint8Array(rows);
  const duplicates = Math.floor(rows * 0.007);
  const distinct = rows - duplicates;
  let n = 0;
  while (n < distinct) {
    const u = Math.floor(random() * userCount);
    const os = users[u].os;
    let t = WINDOW_START + Math.floor(random() * (WINDOW_END - WINDOW_START - 20 * MINUTE));
    let ty = VIEW;
    const length = 2 + Math.min(80, Math.floor(exponential(10)));
    for (let e = 0; e < length && t < WINDOW_END && n < distinct; e++, n++) {
      user[n] = u;
      ts[n] = t;
      type[n] = ty;
      seed[n] = (random() * 4294967296) >>> 0;
      // a buggy Android SDK release sends null event_ids
      nullId[n] = os === 1 && random() < 0.001 ? 1 : 0;
      // offline phones sync minutes later; everyone else within seconds
      arrival[n] = os !== 2 && random() < 0.02 ? t + Math.round(5 * MINUTE + exponential(45 * MINUTE)) : t + Math.round(200_000 + exponential(3 * US));
      const r = random() * 100;
      ty = NEXT[ty].findIndex((w) => r < w);
      // usually seconds apart; now and then a break of over 30 minutes (a new session)
      t += random() < 0.03 ? int(31, 90) * MINUTE + int(0, US) : Math.round(US + exponential(40 * US));
    }
  }
  // Firehose is at-least-once: a retried put lands the same record again, minutes later
  for (let d = 0; d < duplicates; d++, n++) {
    let o = Math.floor(random() * distinct);
    while (nullId[o]) o = (o + 1) % distinct;
    original[n] = o;
    user[n] = user[o];
    arrival[n] = arrival[o] + int(1, 25) * MINUTE;
  }

  // --- order by arrival, bucketed into 15-minute Firehose buffers
  const order = Uint32Array.from({ length: rows }, (_, i) => i).sort((a, b) => arrival[a] - arrival[b] || a - b);

  let files = 0;
  let bytes = 0;
  const perHour = new Map<string, number>();
  let crlfWritten = false;
  for (let start = 0; start < rows; ) {
    const bufferNo = Math.floor(arrival[order[start]] / BUFFER);
    let end = start;
    const lines: string[] = [];
    while (end < rows && Math.floor(arrival[order[end]] / BUFFER) === bufferNo) {
      const i = order[end++];
      const o = original[i] >= 0 ? original[i] : i;
      let line = render(o, users[user[o]], ts[o], type[o], seed[o], nullId[o] === 1);
      // one producer ends its record with CRLF
      if (!crlfWritten && start > 0) {
        crlfWritten = true;
        line += '\r';
      }
      lines.push(line);
    }
    const folder = hourFolder(bufferNo * BUFFER);
    const k = (perHour.get(folder) ?? 0) + 1;
    perHour.set(folder, k);
    const gz = gzipSync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), { level: 6 });
    gz[9] = 0xff; // OS 'unknown': the bytes do not depend on the machine
    mkdirSync(path.join(dir, 'events', folder), { recursive: true });
    writeFileSync(path.join(dir, 'events', folder, `events-${k}.gz`), gz);
    files++;
    bytes += gz.length;
    start = end;
  }

  // --- users.csv: everyone but the users "missing from the export"
  const csv = ['user_id,name,country,signup_date,plan'];
  for (const u of users) if (u.inCsv) csv.push([String(u.id), csvField(u.name), u.country, u.signup, u.plan].join(','));
  mkdirSync(path.join(dir, 'users'), { recursive: true });
  writeFileSync(path.join(dir, 'users', 'users.csv'), `${csv.join('\n')}\n`);
  return { files, bytes };
}

function makeUsers(count: number, random: () => number): User[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const totalWeight = COUNTRIES.reduce((s, [, w]) => s + w, 0);
  const country = () => {
    let r = random() * totalWeight;
    for (const [c, w] of COUNTRIES) if ((r -= w) < 0) return c;
    return 'US';
  };
  // distinct ids: a random stride keeps them unique without a set
  const users: User[] = [];
  let id = 1_000_000n;
  for (let i = 0; i < count; i++) {
    id += BigInt(1 + Math.floor(random() * 50));
    const c = country();
    const r = random();
    const os = r < 0.35 ? 0 : r < 0.7 ? 1 : 2;
    const appVersion = os === 2 ? null : os === 0 ? pick(['5.2.0', '5.3.1', '5.4.0']) : pick(['4.9.2', '5.0.0', '5.1.3']);
    const tsStyle: TsStyle = os === 2 ? (c === 'FI' || c === 'GR' ? 'offset+02' : 'millis') : os === 0 ? 'micros' : appVersion === '4.9.2' ? 'seconds' : 'millis';
    users.push({
      id: i < BEYOND_2_53.length ? BEYOND_2_53[i] : id,
      name: i < SPECIAL_NAMES.length + 3 && i >= 3 ? SPECIAL_NAMES[i - 3] : random() < 0.005 ? null : random() < 0.06 ? `${pick(LAST)}, ${pick(FIRST)}` : `${pick(FIRST)} ${pick(LAST)}`,
      country: c,
      signup: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 1035) * 86_400_000).toISOString().slice(0, 10),
      plan: random() < 0.2 ? 'pro' : 'free',
      os,
      appVersion,
      tsStyle,
      // 2^53+3 and about 3% of the others send events but are missing from the export
      inCsv: i !== 1 && random() >= 0.03,
    });
  }
  return users;
}

/** One JSON line, rendered from the event's own seed (so a redelivery renders the same bytes). */
function render(index: number, u: User, t: number, ty: number, seed: number, nullId: boolean): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const hex = (k: number) => {
    let s = '';
    for (let i = 0; i < k; i++) s += ((random() * 16) | 0).toString(16);
    return s;
  };
  // the last group is the event's index: distinct events never share an id by chance
  const eventId = nullId ? null : `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${index.toString(16).padStart(12, '0')}`;
  const web = u.os === 2;
  let amount: number | null = null;
  let currency: string | null = null;
  if (ty === PURCHASE) {
    currency = random() < 0.1 ? pick(['usd', ' USD', 'usd ']) : 'USD';
    amount = Math.round((3 + -Math.log(1 - random()) * 45) * 100) / 100;
  }
  let page: string | null;
  if (ty === PURCHASE) page = web ? '/checkout/complete' : 'CheckoutScreen';
  else if (ty === 2) page = web ? `/products/${pick(PRODUCTS)}` : 'ProductScreen';
  else if (random() < 0.01) page = '';
  else if (random() < 0.01) page = null;
  else if (!web) page = pick(SCREENS);
  else {
    const r = random();
    page = r < 0.2 ? (random() < 0.1 ? ' /home ' : '/home') : r < 0.35 ? `/search?q=${pick(SEARCHES)}` : r < 0.9 ? `/products/${pick(PRODUCTS)}` : '/cart';
  }
  const device = web ? (random() < 0.5 ? 'null' : undefined) : `{"os":"${OS[u.os]}","app_version":"${u.appVersion}"}`;
  const properties =
    random() < 0.12 ? JSON.stringify({ campaign: pick(CAMPAIGNS), ref: pick(['push', 'email', 'ads', 'organic']) }) : page?.startsWith('/search') ? JSON.stringify({ q: page.slice(10) }) : undefined;
  const j = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  const tsText = j(formatTs(t, u.tsStyle));
  const rest = `"amount":${amount === null ? 'null' : String(amount)},"currency":${j(currency)},"page":${j(page)}${device === undefined ? '' : `,"device":${device}`}${properties === undefined ? '' : `,"properties":${properties}`}`;
  // Android SDK 4.9.2 writes the keys in another order and adds a field the schema does not know
  let line =
    u.appVersion === '4.9.2'
      ? `{"ts":${tsText},"event_type":"${EVENT_TYPES[ty]}","event_id":${j(eventId)},"user_id":${u.id},"sdk":"android-4.9.2",${rest}}`
      : `{"event_id":${j(eventId)},"user_id":${u.id},"event_type":"${EVENT_TYPES[ty]}","ts":${tsText},${rest}}`;
  if (u.os === 1 && random() < 0.3) line = line.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line;
}



function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
