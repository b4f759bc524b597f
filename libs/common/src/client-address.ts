/**
 * The address rate limits count per: the request's, as Express gives it (TRUST_PROXY decides
 * which X-Forwarded-For hops it believes).
 */
export function clientAddress(req: { ip?: string }): string {
  return req.ip ?? 'unknown';
}
