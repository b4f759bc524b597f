import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Apollo's CSRF-prevention headers: a browser sends one cross-site only after a CORS preflight. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

function refuse(res: Response, status: number, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
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
      );
    }
    void parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const { status, expose, message } = error as { status?: number; expose?: boolean; message?: string };
      if (status !== undefined && status >= 500) return next(error);
      refuse(res, status ?? 400, expose ? String(message) : `The upload could not be read: ${String(message)}`);
    });
  };
}
