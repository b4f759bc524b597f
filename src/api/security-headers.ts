import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every response carries: no MIME sniffing, no framing by other sites (clickjacking), no
 * URLs with tokens in them leaked as a Referer. No script policy: GraphiQL's page has an inline script.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  };
}
