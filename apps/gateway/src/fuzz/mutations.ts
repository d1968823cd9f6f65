import { resolve, type Json, type OpenApiDocument, type Schema } from './openapi-values';

/** One request the fuzzer sends. `body` is raw text, so malformed JSON can be sent too. */
export interface FuzzCase {
  label: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
}

/** A small seeded generator (mulberry32): the same seed sends the same requests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE_STRING = 'x'.repeat(100_000);
const UNICODE = ['\u0000', '\ud83e\uddea\u2697\ufe0f', '\u202eevil', 'Z\u0351\u0352\u0353algo', '\ud800', 'é'.normalize('NFD'), '\ufeffbom', '\u2028\u2029'];

/** Deep nesting is written as text: JSON.stringify of such a value would overflow the stack here. */
const DEEP = { array: '\u0000deep-array\u0000', object: '\u0000deep-object\u0000' } as const;
const DEEP_DEPTH = 10_000;

/** A placeholder that `json` writes as a value nested 10 000 levels deep. */
export function deeplyNested(kind: 'array' | 'object'): Json {
  return DEEP[kind];
}

/** Values of the wrong shape for a schema: other types, null, out of range, huge, odd text, deep nesting. */
export function wrongValues(doc: OpenApiDocument, schema: Schema | undefined): { label: string; value: Json }[] {
  const s = resolve(doc, schema);
  const out: { label: string; value: Json }[] = [
    { label: 'null', value: null },
    { label: 'nested array', value: deeplyNested('array') },
    { label: 'nested object', value: deeplyNested('object') },
  ];
  if (s.type !== 'string') out.push({ label: 'string', value: 'not-a-number' }, { label: 'huge string', value: HUGE_STRING });
  if (s.type !== 'number' && s.type !== 'integer') out.push({ label: 'number', value: 42 }, { label: 'huge number', value: 1e308 });
  if (s.type !== 'boolean') out.push({ label: 'boolean', value: true });
  if (s.type !== 'array') out.push({ label: 'array', value: ['a', 1, null] });
  if (s.type !== 'object' && !s.properties) out.push({ label: 'object', value: { $gt: '', __proto__x: 1 } });
  if (s.type === 'string') {
    out.push({ label: 'huge string', value: HUGE_STRING }, { label: 'empty string', value: '' });
    for (const u of UNICODE) out.push({ label: `unicode ${JSON.stringify(u)}`, value: u });
    if (s.enum) out.push({ label: 'not in enum', value: `${String(s.enum[0])}_nope` });
  }
  if (s.type === 'integer' || s.type === 'number') {
    out.push({ label: 'negative', value: -1 }, { label: 'fraction', value: 1.5 }, { label: 'beyond safe integers', value: 2 ** 64 });
    if (s.minimum !== undefined) out.push({ label: 'below minimum', value: s.minimum - 1 });
    if (s.maximum !== undefined) out.push({ label: 'above maximum', value: s.maximum + 1 });
  }
  if (s.type === 'array') out.push({ label: 'huge array', value: Array.from({ length: 20_000 }, () => 'x') }, { label: 'array of nulls', value: [null, null] });
  return out;
}

/** Path segments a router, a decoder or a file name might trip over. */
export const PATH_TRICKS = [
  '..', '.', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e', '%00', 'a%00b', '%E0%A4%A', '%', '%zz', '%C0%AF', 'a%2Fb', '%5C..%5C',
  encodeURIComponent("' OR 1=1 --"), encodeURIComponent('<script>alert(1)</script>'), 'x'.repeat(5000), encodeURIComponent('\ud83e\uddea'),
  '-1', '0', '00000000-0000-0000-0000-00000000000g', encodeURIComponent('__proto__'), 'constructor', '%20', encodeURIComponent('a b'),
];

/** Query values of the wrong kind; none of them is a valid small number (a tiny timeoutMs would time out by design). */
export const QUERY_TRICKS = [
  '', 'abc', '-5', '1.5', 'NaN', 'Infinity', '99999999999999999999999', 'true', 'null', '%00', '%E0%A4%A', 'x'.repeat(10_000),
  encodeURIComponent('\ud83e\uddea'), encodeURIComponent("' OR 1=1 --"), '..%2F..%2F', '2026-13-45',
];

export function json(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll(JSON.stringify(DEEP.array), `${'['.repeat(DEEP_DEPTH)}1${']'.repeat(DEEP_DEPTH)}`)
    .replaceAll(JSON.stringify(DEEP.object), `${'{"a":'.repeat(DEEP_DEPTH)}1${'}'.repeat(DEEP_DEPTH)}`);
}

/** Body mutations of a valid JSON body. */
export function bodyMutations(doc: OpenApiDocument, schema: Schema | undefined, valid: Json): { label: string; body: string; contentType?: string }[] {
  const out: { label: string; body: string; contentType?: string }[] = [
    { label: 'empty body', body: '' },
    { label: 'JSON null', body: 'null' },
    { label: 'JSON array', body: json([valid]) },
    { label: 'JSON string', body: json('text') },
    { label: 'JSON number', body: '12' },
    { label: 'malformed JSON', body: '{"a": ' },
    { label: 'trailing garbage', body: `${json(valid)} trailing` },
    { label: 'deeply nested body', body: json(deeplyNested('object')) },
    { label: 'deeply nested arrays', body: '['.repeat(100_000) + ']'.repeat(100_000) },
    { label: 'body over the limit', body: json({ pad: 'x'.repeat(6 * 1024 * 1024) }) },
    { label: 'text/plain', body: json(valid), contentType: 'text/plain' },
    { label: 'form encoded', body: 'a=1&a=2&b[c]=3&__proto__[x]=1', contentType: 'application/x-www-form-urlencoded' },
    { label: 'bad charset', body: json(valid), contentType: 'application/json; charset=klingon' },
    { label: 'multipart garbage', body: '--xx\r\nContent-Disposition: form-data; name="file"; filename="../../x.csv"\r\n\r\na,b\r\n--xx--', contentType: 'multipart/form-data; boundary=xx' },
    { label: 'multipart without boundary', body: 'nothing', contentType: 'multipart/form-data' },
  ];
  const s = resolve(doc, schema);
  if (valid && typeof valid === 'object' && !Array.isArray(valid)) {
    out.push(
      { label: 'extra field', body: json({ ...valid, unexpected_field: 1 }) },
      { label: '__proto__ field', body: `{"__proto__": {"role": "admin", "isAdmin": true}${Object.keys(valid).length ? `, ${json(valid).slice(1)}` : '}'}` },
      { label: 'constructor field', body: json({ ...valid, constructor: { prototype: { polluted: true } } }) },
    );
    for (const key of s.required ?? []) {
      const rest = { ...valid };
      delete rest[key];
      out.push({ label: `missing ${key}`, body: json(rest) });
    }
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      for (const w of wrongValues(doc, prop)) out.push({ label: `${key}: ${w.label}`, body: json({ ...valid, [key]: w.value }) });
    }
  }
  return out;
}

export function pick<T>(items: T[], n: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

/** Multipart bodies whose fields and file carry what JSON bodies are checked for before routing. */
export function multipartMutations(fields: string[]): { label: string; body: string; contentType: string }[] {
  const boundary = 'fuzzboundary';
  const part = (name: string, value: string, filename?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
  const form = (...parts: string[]) => ({ body: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` });
  const deep = json(deeplyNested('object'));
  const out = [
    { label: 'multipart file with NUL', ...form(part('file', 'a,b\r\n1,\u0000\r\n', 'x.csv')) },
    { label: 'multipart file nested deep', ...form(part('file', deep, 'x.json')) },
    { label: 'multipart file traversal name', ...form(part('file', '{}', '../../../etc/passwd')) },
    { label: 'multipart two files', ...form(part('file', '{}', 'a.json'), part('file', '{}', 'b.json')) },
    { label: 'multipart unknown file field', ...form(part('other', '{}', 'a.json')) },
  ];
  for (const f of fields) {
    out.push(
      { label: `multipart ${f} with NUL`, ...form(part(f, 'a\u0000b')) },
      { label: `multipart ${f} nested JSON`, ...form(part(f, deep)) },
      { label: `multipart ${f} JSON with NUL`, ...form(part(f, '[{"a":"\\u0000"}]')) },
    );
  }
  return out;
}
