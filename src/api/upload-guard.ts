import { ErrorReason } from '@tessera/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Apollo's CSRF-prevention headers: a browser sends one cross-site only after a CORS preflight. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/** A multipart boundary parameter, quoted or not, that is not empty. */
const BOUNDARY = /;\s*boundary\s*=\s*(?:"[^"]+"|[^\s;"]+)\s*(?:;|$)/i;

function refuse(res: Response, status: number, message: string, reason?: ErrorReason): void {
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', ...(reason ? { reason } : {}) } }] });
}

/**
 * Multipart GraphQL requests (uploads) go through `parse` before Apollo sees them, so Apollo's
 * CSRF check came after the files were read and a body that did not parse was a 500. Here a
 * request a browser could send cross-site is refused before its body is read, and a broken body
 * is the client's error.
 */
export function guardedUploads(parse: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    if (!PREFLIGHT_HEADERS.some((header) => req.headers[header])) {
      return refuse(
        res,
        400,
        'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF): send uploads with an apollo-require-preflight header.',
        ErrorReason.CSRF_REFUSED,
      );
    }
    // Without a boundary the multipart reader fails before it reads the body, and graphql-upload
    // holds every answer until the request has been read: nothing read it, so the request was
    // never answered (500 such requests were all open after 20 s). Refused here, before that.
    if (!BOUNDARY.test(req.headers['content-type'] ?? '')) {
      return refuse(
        res,
        400,
        'The upload could not be read: its Content-Type has no multipart boundary (multipart/form-data; boundary=…).',
      );
    }
    void parse(req, res, (error?: unknown) => {
      if (!error) return next();
      // Any other failure before the body was read: read (and drop) it, so the held answer goes out.
      req.resume();
      const { status, expose, message } = error as { status?: number; expose?: boolean; message?: string };
      if (status !== undefined && status >= 500) return next(error);
      refuse(res, status ?? 400, expose ? String(message) : `The upload could not be read: ${String(message)}`);
    });
  };
}
