import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address rate limits count per: the request's, as Express gives it (TRUST_PROXY decides
 * which X-Forwarded-For hops it believes).
 */
export function clientAddress(req: { ip?: string }): string {
  return req.ip ?? 'unknown';
}

/**
 * The network a client address stands for, for limits that count per client: an IPv4 address is
 * itself; an IPv6 address is its /64 (one subscriber's link is given a whole /64, so counting full
 * addresses would give one attacker 2^64 budgets), written `2001:db8:0:1::/64`; an IPv4-mapped
 * `::ffff:a.b.c.d` is the IPv4 address it maps (a dual-stack socket reports IPv4 clients so). A
 * zone id is dropped; anything that is not an address is returned as it came.
 */
export function clientNetwork(address: string): string {
  const plain = address.replace(/%.*$/, '');
  if (isIPv4(plain)) return plain;
  if (!isIPv6(plain)) return address;
  const hextets = expandIPv6(plain);
  const mapped = hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff;
  if (mapped) return [hextets[6] >> 8, hextets[6] & 0xff, hextets[7] >> 8, hextets[7] & 0xff].join('.');
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups). */
function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const front = groups(head);
  if (tail === undefined) return front;
  const back = groups(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
