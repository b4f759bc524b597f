import { Router } from 'express';

/** A small mark (a tiled square), so a browser's request for the favicon finds one instead of a 404. */
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
    '<rect width="16" height="16" rx="3" fill="#1d4ed8"/>' +
    '<path d="M4 4h3v3H4zM9 4h3v3H9zM4 9h3v3H4zM9 9h3v3H9z" fill="#fff"/>' +
    '</svg>',
);

/**
 * The server's root: `GET /` leads to the playground when it is served (a person who opens the
 * address printed at start-up without /graphql lands on it), and /favicon.ico answers.
 */
export function rootRoutes(options: { playground: boolean }): Router {
  const router = Router();
  if (options.playground) router.get('/', (_req, res) => res.redirect(302, '/graphql'));
  router.get('/favicon.ico', (_req, res) => {
    res.setHeader('content-type', 'image/svg+xml');
    res.setHeader('cache-control', 'public, max-age=86400');
    res.send(FAVICON);
  });
  return router;
}
