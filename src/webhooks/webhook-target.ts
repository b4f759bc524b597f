import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BadUserInputError, withTimeout } from '@tessera/common';

/** How far a webhook URL may point. */
export interface WebhookTargetOptions {
  /** Only https:// (production); otherwise http:// is accepted too. */
  requireHttps: boolean;
  /** Lets loopback, private and link-local targets through (tests and private installations). */
  allowPrivateTargets: boolean;
  /** node:net's dns.lookup signature; tests inject one. */
  lookup?: LookupFunction;
}

/** The code of the error a guarded lookup fails a connection with. */
export const FORBIDDEN_TARGET = 'EWEBHOOKTARGET';

const RESOLVE_TIMEOUT_MS = 5_000;
const URL_MAX_LENGTH = 2_048;

const forbiddenV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // the former 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
] as const) {
  forbiddenV4.addSubnet(network, prefix, 'ipv4');
}

const forbiddenV6 = new BlockList();
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): a translator of the local network, whatever it embeds
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments, incl. Teredo (its IPv4 is obfuscated) and benchmarking
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers (RFC 9602)
  ['fc00::', 7], // unique local, incl. AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const) {
  forbiddenV6.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a webhook must never reach unless private targets are allowed; unparsable counts as forbidden. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return forbiddenV4.check(bare, 'ipv4');
  if (version !== 6) return true;
  const bytes = ipv6Bytes(bare);
  const embedded = embeddedIpv4(bytes);
  if (embedded !== undefined) return forbiddenV4.check(embedded, 'ipv4');
  return forbiddenV6.check(bare, 'ipv6');
}

/**
 * The IPv4 address an IPv6 address stands for, where the network would route it there:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d, SIIT), IPv4-compatible (::a.b.c.d),
 * NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::).
 */
function embeddedIpv4(bytes: number[]): string | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(12);
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12)) return v4(12);
  if (zeros(0, 12) && !zeros(12, 14)) return v4(12); // ::/128 and ::1 stay IPv6 (checked as such)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2);
  return undefined;
}

/** The 16 bytes of a valid IPv6 address (net.isIP already said it is one). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/**
 * Refuses a URL that is not a plain https (or, outside production, http) address of a public host.
 * The host is resolved now, so a typo is caught when the endpoint is saved; deliveries check again
 * at connect time (see guardedLookup), as the name may point elsewhere by then.
 */
export async function checkWebhookUrl(url: string, options: WebhookTargetOptions): Promise<void> {
  const invalid = (message: string) => BadUserInputError.field('url', message);
  if (url.length > URL_MAX_LENGTH) throw invalid(`Use at most ${URL_MAX_LENGTH} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('Enter an absolute URL, such as https://example.com/webhooks.');
  }
  const schemes = options.requireHttps ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(parsed.protocol)) {
    throw invalid(options.requireHttps ? 'Use an https:// URL.' : 'Use an https:// or http:// URL.');
  }
  if (parsed.username || parsed.password) throw invalid('Leave user names and passwords out of the URL; each delivery is signed instead.');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw invalid('Name a host.');
  const addresses = await resolveAll(host, options.lookup).catch(() => []);
  if (addresses.length === 0) throw invalid('This host name does not resolve.');
  if (!options.allowPrivateTargets && addresses.some((a) => isForbiddenAddress(a.address))) throw invalid(FORBIDDEN_MESSAGE);
}

const FORBIDDEN_MESSAGE = 'Webhooks cannot be sent to loopback, private, link-local or other internal addresses.';

function resolveAll(host: string, lookup: LookupFunction = dnsLookup as LookupFunction): Promise<LookupAddress[]> {
  if (isIP(host)) return Promise.resolve([{ address: host, family: isIP(host) }]);
  const resolving = new Promise<LookupAddress[]>((resolve, reject) => {
    lookup(host, { all: true }, (error, result) => {
      if (error) reject(error);
      else resolve(Array.isArray(result) ? result : []);
    });
  });
  return withTimeout(resolving, RESOLVE_TIMEOUT_MS, 'DNS lookup timed out');
}

/** The error a refused target fails with. */
export function forbiddenTargetError(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`Refused: ${host} is a loopback, private, link-local or other internal address`), {
    code: FORBIDDEN_TARGET,
  });
}

/**
 * A `lookup` for http.request / net.connect that fails the connection when any address the name
 * resolves to is forbidden: the check happens at connect time, against the address actually dialled
 * (DNS rebinding), before any socket is opened. IP literals never reach a lookup: check those with
 * isForbiddenAddress before connecting (postWebhook does).
 */
export function guardedLookup(options: Pick<WebhookTargetOptions, 'allowPrivateTargets' | 'lookup'>): LookupFunction {
  const lookup = options.lookup ?? (dnsLookup as LookupFunction);
  return (hostname, lookupOptions, callback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, result) => {
      if (error) return callback(error, '', 0);
      const addresses = Array.isArray(result) ? result : [];
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
      }
      if (!options.allowPrivateTargets && addresses.some((a) => isForbiddenAddress(a.address))) {
        return callback(forbiddenTargetError(hostname), '', 0);
      }
      if (lookupOptions.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
