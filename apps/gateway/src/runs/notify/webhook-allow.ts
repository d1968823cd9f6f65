import { isIP } from 'node:net';

/**
 * One entry of IVORYOS_WEBHOOK_ALLOW: a host name (optionally with a port), or an address range
 * (a single IP or a CIDR, optionally with a port for a single IP).
 */
export type WebhookAllowEntry =
  | { kind: 'name'; host: string; port?: number }
  | { kind: 'range'; family: 4 | 6; base: bigint; prefix: number; port?: number };

export type WebhookTargetCheck =
  /** `checkAddress`: the host is a name that only an address range can admit; resolve it and check each address. */
  | { ok: true; host: string; port: number; checkAddress: boolean }
  | { ok: false; reason: string };

const NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses the comma-separated setting; throws naming the first entry it cannot read. Empty = allow all. */
export function parseWebhookAllowList(text: string): WebhookAllowEntry[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const parsed = parseEntry(entry.toLowerCase());
      if (!parsed) throw new Error(`'${entry}' is not a host name, host:port, IP address or CIDR range`);
      return parsed;
    });
}

function parseEntry(entry: string): WebhookAllowEntry | undefined {
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const ip = entry.slice(0, slash);
    const bits = entry.slice(slash + 1);
    const family = isIP(ip);
    if (!family || !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return undefined;
    return range(ip, Number(bits));
  }
  if (isIP(entry)) return range(entry);
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return isIP(bracketed[1]) === 6 ? withPort(range(bracketed[1]), bracketed[2]) : undefined;
  const hostPort = /^([^:]+):(\d{1,5})$/.exec(entry);
  const [host, port] = hostPort ? [hostPort[1], hostPort[2]] : [entry, undefined];
  if (isIP(host)) return withPort(range(host), port);
  const name = host.replace(/\.$/, '');
  return NAME.test(name) ? withPort({ kind: 'name', host: name }, port) : undefined;
}

function withPort(entry: WebhookAllowEntry | undefined, port: string | undefined): WebhookAllowEntry | undefined {
  if (!entry || port === undefined) return entry;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? { ...entry, port: n } : undefined;
}

function range(ip: string, prefix?: number): WebhookAllowEntry | undefined {
  const addr = toAddress(ip);
  if (!addr) return undefined;
  const width = addr.family === 4 ? 32 : 128;
  const bits = prefix ?? width;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { kind: 'range', family: addr.family, base: addr.value & mask, prefix: bits };
}

/**
 * Whether a webhook URL may be called under the allow list (entries or the setting's text).
 * Pure: no DNS. A host name matching no name entry passes with `checkAddress` when the list has
 * address ranges (its addresses decide at delivery), and is refused otherwise.
 */
export function checkWebhookTarget(url: string, allow: readonly WebhookAllowEntry[] | string): WebhookTargetCheck {
  const entries = typeof allow === 'string' ? parseWebhookAllowList(allow) : allow;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: 'must be an http or https URL' };
  // The signature authenticates us to the receiver; credentials in a URL would end up in records and logs.
  if (parsed.username || parsed.password) return { ok: false, reason: 'must not carry credentials (user:password@)' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  if (!entries.length) return { ok: true, host, port, checkAddress: false };
  if (isIP(host)) {
    return isAddressAllowed(host, port, entries) ? { ok: true, host, port, checkAddress: false } : refused(host, port);
  }
  if (entries.some((e) => e.kind === 'name' && e.host === host && (e.port === undefined || e.port === port))) {
    return { ok: true, host, port, checkAddress: false };
  }
  return entries.some((e) => e.kind === 'range') ? { ok: true, host, port, checkAddress: true } : refused(host, port);
}

const refused = (host: string, port: number): WebhookTargetCheck => ({ ok: false, reason: `${host}:${port} is not in IVORYOS_WEBHOOK_ALLOW` });

/** Whether an IP address (what a host name resolved to) lies in one of the list's ranges. */
export function isAddressAllowed(address: string, port: number, entries: readonly WebhookAllowEntry[]): boolean {
  const addr = toAddress(address);
  if (!addr) return false;
  return entries.some((e) => {
    if (e.kind !== 'range' || (e.port !== undefined && e.port !== port)) return false;
    const candidate = e.family === addr.family ? addr : e.family === 4 ? addr.mappedV4 : undefined;
    if (!candidate) return false;
    const width = e.family === 4 ? 32 : 128;
    const mask = e.prefix === 0 ? 0n : ((1n << BigInt(e.prefix)) - 1n) << BigInt(width - e.prefix);
    return (candidate.value & mask) === e.base;
  });
}

interface Address {
  family: 4 | 6;
  value: bigint;
  /** For `::ffff:a.b.c.d`, the IPv4 address it carries, so IPv4 ranges cover it. */
  mappedV4?: Address;
}

function toAddress(text: string): Address | undefined {
  const ip = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return { family: 4, value: ipv4(ip) };
  if (family !== 6) return undefined;
  const value = ipv6(ip);
  const mapped = value >> 32n === 0xffffn ? { family: 4 as const, value: value & 0xffffffffn } : undefined;
  return { family: 6, value, mappedV4: mapped };
}

function ipv4(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

function ipv6(ip: string): bigint {
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:127.0.0.1) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}
