/**
 * Generates the sample data the example jobs run on offline (`npm run sample`):
 *
 *   sample/events/YYYY/MM/DD/HH/events-<n>.gz   Kinesis Firehose layout: gzip JSON lines, one folder
 *                                               per arrival hour (UTC), one file per 15-minute buffer
 *   sample/users/users.csv                      the users dimension
 *   sample/README.md                            what is in the sample, with its statistics
 *
 * Deterministic: a seeded PRNG, no clock, no locale, gzip at a fixed level with a fixed header,
 * so running it twice gives byte-identical files (with the same Node/zlib build).
 *
 * The data is realistic click-stream traffic from ~200 users over 28 hours around midnight
 * UTC, with the edge cases a lake pipeline meets: Firehose redeliveries (duplicate event_ids),
 * late arrivals, nulls and missing optional fields, unicode (accents, CJK, emoji, \u escapes),
 * UTC offsets and microseconds, int64 ids beyond 2^53, and a few malformed lines.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatTs, hourFolder, pad, type TsStyle } from './firehose-text.ts';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'sample');
const SEED = 20261101;

// --- deterministic randomness ------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
const chance = (p: number) => random() < p;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const weighted = <T>(xs: readonly (readonly [T, number])[]): T => {
  let r = random() * xs.reduce((s, [, w]) => s + w, 0);
  for (const [x, w] of xs) if ((r -= w) < 0) return x;
  return xs[xs.length - 1][0];
};
/** Exponentially distributed with the given mean. */
const exponential = (mean: number) => -Math.log(1 - random()) * mean;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;

// --- time (epoch microseconds; < 2^53, so plain numbers) -----------------------------------

const US = 1_000_000;
const MINUTE = 60 * US;
const HOUR = 60 * MINUTE;
const us = (iso: string) => Date.parse(iso) * 1000;

const WINDOW_START = us('2026-10-31T22:00:00Z');
const WINDOW_END = us('2026-11-02T02:00:00Z');
const MIDNIGHTS = [us('2026-11-01T00:00:00Z'), us('2026-11-02T00:00:00Z')];


/** How a client writes timestamps. */


// --- users ---------------------------------------------------------------------------------

const COUNTRIES = [
  ['US', 30], ['DE', 12], ['FR', 10], ['GB', 9], ['JP', 7], ['BR', 6], ['ES', 5], ['IN', 5],
  ['FI', 3], ['GR', 3], ['KR', 3], ['MX', 3], ['CA', 2], ['SE', 2],
] as const;
const EET_COUNTRIES = new Set(['FI', 'GR']); // their web clients send local time, +02:00 in November
const FIRST = ['Ana', 'Ben', 'Chloé', 'David', 'Émile', 'Fatima', 'Giulia', 'Hiro', 'Ines', 'Jonas', 'Kai', 'Léa', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Søren', 'Tomás', 'Uma', 'Wei', 'Yuki', 'Zoë'];
const LAST = ['García', 'Müller', 'Martin', 'Smith', 'Tanaka', 'Silva', 'Kowalski', 'Nguyễn', 'Johansson', 'Papadopoulos', 'Kim', 'López', 'Virtanen', 'Dubois', 'Rossi', 'Brown'];
const SPECIAL_NAMES = ['山田 太郎', 'O\'Brien, Siobhán', 'Ken "The Hammer" Sato', 'Müller, Jörg', '  Padded Name  ', 'Zoë 🦊 Fox'];

type Os = 'ios' | 'android' | 'web';

interface User {
  readonly id: bigint;
  readonly name: string | null;
  readonly country: string;
  readonly signup: string;
  readonly plan: 'free' | 'pro';
  readonly os: Os;
  readonly appVersion: string | null;
  readonly tsStyle: TsStyle;
  readonly inCsv: boolean;
  readonly active: boolean;
}

const BEYOND_2_53 = [9007199254740993n, 9007199254740995n, 9223372036854775807n]; // 2^53+1, 2^53+3, int64 max

function makeUsers(): User[] {
  const ids = new Set<bigint>();
  while (ids.size < 203) ids.add(BigInt(int(1_000_000, 9_999_999)));
  const all = [...[...ids].sort((a, b) => (a < b ? -1 : 1)), ...BEYOND_2_53];
  const signupStart = Date.UTC(2024, 0, 1);
  const users: User[] = all.map((id, i) => {
    const country = weighted(COUNTRIES);
    const os = weighted<Os>([['ios', 35], ['android', 35], ['web', 30]]);
    const appVersion = os === 'web' ? null : os === 'ios' ? pick(['5.2.0', '5.3.1', '5.4.0']) : pick(['4.9.2', '5.0.0', '5.1.3']);
    const tsStyle: TsStyle =
      os === 'web' ? (EET_COUNTRIES.has(country) ? 'offset+02' : 'millis') : os === 'ios' ? 'micros' : appVersion === '4.9.2' ? 'seconds' : 'millis';
    const name = i < SPECIAL_NAMES.length ? SPECIAL_NAMES[i] : i === 17 ? null : chance(0.06) ? `${pick(LAST)}, ${pick(FIRST)}` : `${pick(FIRST)} ${pick(LAST)}`;
    const signupDay = new Date(signupStart + int(0, 1034) * 86_400_000).toISOString().slice(0, 10);
    return {
      id,
      name,
      country,
      signup: i === 40 ? '2026-11-01' : signupDay,
      plan: chance(0.2) ? 'pro' : 'free',
      os,
      appVersion,
      tsStyle,
      // the last 5 generated ids and 2^53+3 send events but are missing from the users export
      inCsv: !(i >= 198 && i < 203) && id !== 9007199254740995n,
      // a few users in the export have no events in the window
      active: ![20, 60, 120, 180].includes(i),
    };
  });
  return users;
}

// --- events --------------------------------------------------------------------------------

type EventType = 'view' | 'click' | 'add_to_cart' | 'purchase';

interface Generated {
  /** The line as Firehose delivers it (without the newline). */
  readonly line: string;
  readonly arrival: number;
  readonly seq: number;
  readonly kind: 'event' | 'duplicate' | 'bad' | 'blank';
}

const NEXT: Record<EventType, readonly (readonly [EventType, number])[]> = {
  view: [['view', 50], ['click', 40], ['add_to_cart', 10]],
  click: [['view', 60], ['click', 25], ['add_to_cart', 15]],
  add_to_cart: [['purchase', 35], ['view', 50], ['click', 15]],
  purchase: [['view', 1]],
};

const PRODUCTS = ['crème-brûlée-mug', 'café-au-lait-set', '抹茶-ラテ', 'naïve-tee', 'smørrebrød-board', '🎧-headphones', 'ñandú-plush', 'über-kettle', 'socks', 'notebook', 'desk-lamp', 'backpack'];
const SEARCHES = ['naïve café', '抹茶', 'headphones 🎧', 'crème', 'gift ideas', 'キーボード'];
const CAMPAIGNS = ['black-friday', 'été-2026', '新規ユーザー', '🎃 halloween', 'newsletter-44'];

function pageFor(type: EventType, os: Os): string | null {
  if (type === 'purchase') return os === 'web' ? '/checkout/complete' : 'CheckoutScreen';
  if (type === 'add_to_cart') return os === 'web' ? `/products/${pick(PRODUCTS)}` : 'ProductScreen';
  if (chance(0.01)) return ''; // empty: cleaned to null
  if (chance(0.01)) return null;
  if (os !== 'web') return pick(['HomeScreen', 'SearchScreen', 'ProductScreen', 'CartScreen']);
  const r = random();
  if (r < 0.2) return chance(0.1) ? ' /home ' : '/home'; // some clients pad it
  if (r < 0.35) return `/search?q=${pick(SEARCHES)}`;
  if (r < 0.9) return `/products/${pick(PRODUCTS)}`;
  return '/cart';
}

/** JSON text with user_id written as an exact integer (JSON.stringify cannot write bigints). */
function toJson(record: Record<string, unknown>): string {
  return JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? `\u0000int:${v}` : v)).replace(/"\\u0000int:(-?\d+)"/g, '$1');
}

/** Escapes every non-ASCII character as \uXXXX (as some JSON encoders do): valid JSON all the same. */
const escapeNonAscii = (json: string) => json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

let seq = 0;
const out: Generated[] = [];
const stats = { events: 0, nullEventIds: 0, duplicates: 0, late: 0, bad: 0, blank: 0, purchases: 0, midnight: 0 };

function arrivalOf(t: number, os: Os): number {
  if (os !== 'web' && chance(0.02)) {
    stats.late++;
    return t + Math.round(5 * MINUTE + exponential(45 * MINUTE)); // offline phone, synced later
  }
  return t + Math.round(200_000 + exponential(3 * US));
}

function emitEvent(user: User, t: number, type: EventType, overrides: { style?: TsStyle; eventId?: string | null; amount?: number | null } = {}): string {
  const style = overrides.style ?? user.tsStyle;
  let amount: number | null = null;
  let currency: string | null = null;
  if (type === 'purchase') {
    stats.purchases++;
    // the shop prices in USD; some clients send the code in lower case or padded (cleaned by the job)
    currency = chance(0.1) ? pick(['usd', ' USD', 'usd ']) : 'USD';
    amount = Math.round((3 + exponential(45)) * 100) / 100;
  }
  if (overrides.amount !== undefined) amount = overrides.amount;
  const eventId = overrides.eventId !== undefined ? overrides.eventId : uuid();
  const page = pageFor(type, user.os);
  const device = user.os === 'web' ? (chance(0.5) ? null : undefined) : { os: user.os, app_version: user.appVersion };
  const properties =
    chance(0.12) ? { campaign: pick(CAMPAIGNS), ref: pick(['push', 'email', 'ads', 'organic']) } : page?.startsWith('/search') ? { q: page.slice(10) } : undefined;
  // Android SDK 4.x writes keys in another order and adds fields the schema does not know.
  const record: Record<string, unknown> =
    user.os === 'android' && user.appVersion === '4.9.2'
      ? { ts: formatTs(t, style), event_type: type, event_id: eventId, user_id: user.id, sdk: 'android-4.9.2', amount, currency, page, device, properties }
      : { event_id: eventId, user_id: user.id, event_type: type, ts: formatTs(t, style), amount, currency, page, device, properties };
  let line = toJson(record);
  if (user.os === 'android' && /[^\x00-\x7f]/.test(line) && chance(0.3)) line = escapeNonAscii(line);
  stats.events++;
  if (eventId === null) stats.nullEventIds++;
  out.push({ line, arrival: arrivalOf(t, user.os), seq: seq++, kind: 'event' });
  return line;
}

function generateSessions(users: User[]): void {
  for (const user of users) {
    if (!user.active) continue;
    const sessions = 1 + Math.min(5, Math.floor(exponential(1.3)));
    for (let s = 0; s < sessions; s++) {
      let t = WINDOW_START + Math.floor(random() * (WINDOW_END - WINDOW_START - 20 * MINUTE));
      let type: EventType = 'view';
      const length = 2 + Math.min(80, Math.floor(exponential(10)));
      for (let e = 0; e < length && t < WINDOW_END; e++) {
        emitEvent(user, t, type);
        type = weighted(NEXT[type]);
        // usually seconds apart; now and then the user comes back after a break (a new session)
        t += chance(0.03) ? int(31, 90) * MINUTE + int(0, US) : Math.round(US + exponential(40 * US));
      }
    }
  }
}

/** Events within seconds of midnight UTC, written in every timestamp style, and a session across midnight. */
function generateMidnightEdges(users: User[]): void {
  const active = users.filter((u) => u.active);
  const at = (u: User, t: number, type: EventType, style?: TsStyle) => {
    stats.midnight++;
    emitEvent(u, t, type, style ? { style } : {});
  };
  for (const midnight of MIDNIGHTS) {
    for (const offset of [-2 * US, -1_000, -1, 0, 1, 999, 1_500_000]) at(pick(active), midnight + offset, 'view', pick<TsStyle>(['millis', 'micros', 'offset+02']));
    // 01:59:59.999+02:00 is the previous UTC day; 02:00:00.000001+02:00 is the next (micros in an offset timestamp)
    at(pick(active), midnight - 1_000, 'click', 'offset+02');
    const u = pick(active);
    stats.midnight++;
    const d = new Date((midnight + 2 * HOUR) / 1000);
    const local = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T02:00:00.000001+02:00`;
    out.push({ line: toJson({ event_id: uuid(), user_id: u.id, event_type: 'view', ts: local, amount: null, currency: null, page: '/home', device: null }), arrival: midnight + 2 * US, seq: seq++, kind: 'event' });
    stats.events++;
  }
  // a refund sent as a purchase with a negative amount (a warning of events_clean), and a whole-number amount
  emitEvent(pick(active), MIDNIGHTS[0] + 9 * HOUR + int(0, HOUR), 'purchase', { amount: -19.99 });
  emitEvent(pick(active), MIDNIGHTS[0] + 10 * HOUR + int(0, HOUR), 'purchase', { amount: 25 });
  // one user browsing from 23:45 to 00:11: one session, started on the earlier day
  const night = active[7];
  for (const [minutes, type] of [[-15, 'view'], [-8, 'click'], [-2, 'add_to_cart'], [3, 'purchase'], [11, 'view']] as const) {
    at(night, MIDNIGHTS[0] + minutes * MINUTE + int(0, 59) * US, type);
  }
}

/** Firehose is at-least-once: a retried put lands the same record again, in a later buffer. */
function generateDuplicates(count: number): void {
  const candidates = out.filter((g) => g.kind === 'event' && !g.line.includes('"event_id":null'));
  for (let i = 0; i < count; i++) {
    const original = pick(candidates);
    out.push({ line: original.line, arrival: original.arrival + int(1, 25) * MINUTE, seq: seq++, kind: 'duplicate' });
    stats.duplicates++;
  }
}

/** Records the job must quarantine (and two blank lines, which are skipped, not bad). */
function generateBadLines(users: User[]): void {
  const u = () => pick(users.filter((x) => x.active));
  const t = () => WINDOW_START + Math.floor(random() * (WINDOW_END - WINDOW_START));
  const good = (type: EventType = 'view') => ({ event_id: uuid(), user_id: u().id, event_type: type, ts: formatTs(t(), 'millis'), amount: null, currency: null, page: '/home' });
  const bad = (line: string) => {
    out.push({ line, arrival: t(), seq: seq++, kind: 'bad' });
    stats.bad++;
  };
  bad(toJson(good()).slice(0, 61)); // truncated JSON
  bad(toJson({ ...good(), user_id: 'u-48213' })); // string in a bigint column
  bad(toJson({ ...good(), user_id: 1234567.5 })); // fraction in a bigint column
  bad(toJson({ ...good(), event_type: 'scroll' })); // not one of the enum values
  bad(toJson({ ...good(), ts: '2026-11-31T10:00:00.000Z' })); // November has 30 days
  bad(toJson({ ...good(), ts: 'yesterday' })); // not a timestamp
  bad(toJson({ ...good('purchase'), amount: '12,50', currency: 'EUR' })); // decimal comma, as a string
  const { event_type: _omitted, ...noType } = good();
  bad(toJson(noType)); // required field missing
  bad(`${toJson(good())}${toJson(good())}`); // a producer forgot the newline: Firehose concatenated two records
  bad('[{"event_id":"batched"}]'); // an array, not an object
  for (let i = 0; i < 2; i++) {
    out.push({ line: '', arrival: t(), seq: seq++, kind: 'blank' });
    stats.blank++;
  }
}

/** Null event_ids from a buggy SDK release: valid records, dropped by the job's filter. */
function generateNullIds(users: User[]): void {
  for (let i = 0; i < 3; i++) {
    const user = pick(users.filter((x) => x.active && x.os === 'android'));
    emitEvent(user, WINDOW_START + Math.floor(random() * (WINDOW_END - WINDOW_START)), 'view', { eventId: null });
  }
}

// --- writing ---------------------------------------------------------------------------------

/** Gzip with a fixed level and header (mtime 0, OS 'unknown'), so the bytes do not depend on the machine's OS. */
function gzip(text: string): Buffer {
  const buf = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  buf[9] = 0xff;
  return buf;
}

function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function writeEvents(): { files: number; bytes: number; lines: number } {
  const BUFFER = 15 * MINUTE; // Firehose buffer interval
  out.sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
  const byBuffer = new Map<number, Generated[]>();
  for (const g of out) {
    const key = Math.floor(g.arrival / BUFFER);
    let list = byBuffer.get(key);
    if (!list) byBuffer.set(key, (list = []));
    list.push(g);
  }
  const perHour = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  let lines = 0;
  let crlfWritten = false;
  for (const [key, records] of [...byBuffer].sort((a, b) => a[0] - b[0])) {
    const folder = hourFolder(key * BUFFER);
    const n = (perHour.get(folder) ?? 0) + 1;
    perHour.set(folder, n);
    // Firehose concatenates record payloads as sent; producers end each with '\n' (one with '\r\n').
    const text = records
      .map((g) => {
        if (!crlfWritten && g.kind === 'event' && key * BUFFER >= MIDNIGHTS[0] + 6 * HOUR) {
          crlfWritten = true;
          return `${g.line}\r\n`;
        }
        return `${g.line}\n`;
      })
      .join('');
    const gz = gzip(text);
    const dir = path.join(OUT, 'events', folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `events-${n}.gz`), gz);
    files++;
    bytes += gz.length;
    lines += records.length;
  }
  return { files, bytes, lines };
}

function writeUsers(users: User[]): { rows: number; bytes: number } {
  const header = 'user_id,name,country,signup_date,plan';
  const rows = users.filter((u) => u.inCsv).map((u) => [String(u.id), csvField(u.name), u.country, u.signup, u.plan].join(','));
  const text = `${[header, ...rows].join('\n')}\n`;
  mkdirSync(path.join(OUT, 'users'), { recursive: true });
  writeFileSync(path.join(OUT, 'users', 'users.csv'), text);
  return { rows: rows.length, bytes: Buffer.byteLength(text) };
}

function main(): void {
  rmSync(path.join(OUT, 'events'), { recursive: true, force: true });
  rmSync(path.join(OUT, 'users'), { recursive: true, force: true });

  const users = makeUsers();
  generateSessions(users);
  generateMidnightEdges(users);
  generateNullIds(users);
  generateDuplicates(30);
  generateBadLines(users);

  const ev = writeEvents();
  const csvOut = writeUsers(users);
  const active = users.filter((u) => u.active);
  const summary = [
    `events:        ${stats.events} distinct records (${stats.nullEventIds} with a null event_id, ${stats.purchases} purchases, ${stats.midnight} placed around midnight)`,
    `duplicates:    ${stats.duplicates} redelivered records (same line, later arrival)`,
    `late arrivals: ${stats.late} records arriving 5+ minutes after their ts`,
    `bad lines:     ${stats.bad} malformed, plus ${stats.blank} blank lines (skipped)`,
    `lines:         ${ev.lines} in ${ev.files} gzip files, ${ev.bytes} bytes`,
    `users:         ${csvOut.rows} rows in users.csv (${csvOut.bytes} bytes); ${active.length} users with events, ` +
      `${users.filter((u) => u.active && !u.inCsv).length} of them missing from users.csv, ${users.filter((u) => !u.active).length} users without events`,
  ];
  writeFileSync(path.join(OUT, 'README.md'), readme(summary));
  console.log(summary.join('\n'));
}

function readme(summary: readonly string[]): string {
  return `# Sample data

Generated by \`npm run sample\` (scripts/generate-sample.ts, seed ${SEED}); do not edit by hand.
Deterministic: regenerating gives byte-identical files.

- \`events/YYYY/MM/DD/HH/events-<n>.gz\`: click-stream events as Kinesis Firehose lands them: gzip JSON
  lines, one folder per arrival hour (UTC), one file per 15-minute buffer. Schema: \`RawEvent\` in schemas/events.ts.
  Event times span 2026-10-31T22:00Z to 2026-11-02T02:00Z.
- \`users/users.csv\`: the users dimension (\`Users\` in schemas/users.ts).

\`\`\`
${summary.join('\n')}
\`\`\`

Edge cases on purpose:

- duplicate event_ids: Firehose redeliveries of the same record, minutes later, sometimes in the next hour's folder
- late arrivals: events from phones that were offline land in later hour folders
- timestamps with millis, micros (\`.123456Z\`), whole seconds, and \`+02:00\` offsets; events within microseconds
  of midnight UTC, where the offset decides the day (\`2026-11-01T01:59:59.999+02:00\` is 2026-10-31 in UTC)
- one user session spanning midnight
- user_ids beyond 2^53 (9007199254740993, 9007199254740995, 9223372036854775807): exact only as int64
- nulls and missing fields: amount/currency null except for purchases, device null or absent on the web,
  properties mostly absent, a few empty or null pages, three null event_ids (dropped by events_clean)
- unicode: accents, CJK and emoji in pages, properties and names; some lines use \`\\uXXXX\` escapes
- dirty values: currency in lower case or with spaces, page paths with spaces
- amounts in USD; one refund sent as a purchase with a negative amount (events_clean warns), one whole-number amount
- an Android SDK that writes keys in another order and adds an unknown field (\`sdk\`)
- one record terminated by \`\\r\\n\`
- malformed lines (quarantined by \`onBadRecord: 'permissive'\`): truncated JSON, a string and a fraction
  in user_id, an unknown event_type, 2026-11-31, a non-timestamp ts, an amount as a string, a missing
  event_type, two records concatenated without a newline, a JSON array; plus blank lines, which are skipped
- users.csv: quoted names with commas, double quotes, CJK, emoji and surrounding spaces; one empty (null)
  name; users without events; events from users missing in the CSV; a user who signed up on 2026-11-01
`;
}

main();
