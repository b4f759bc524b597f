import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { dirname, join } from 'node:path';

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL, React and their styles, from node_modules: the playground needs no internet. */
const ASSETS: Record<string, string> = {
  'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Tessera GraphQL playground</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="stylesheet" href="/graphiql/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    const defaultQuery = [
      '# Welcome to Tessera.',
      '# 1. Sign in: run the login mutation below with your e-mail and password.',
      '# 2. Copy accessToken into the Headers tab: {"Authorization": "Bearer <accessToken>"}',
      '# 3. Ask who you are: query { me { user { email } memberships { role organization { name } } } }',
      '',
      'mutation SignIn {',
      '  login(input: { email: "you@example.com", password: "your password" }) {',
      '    accessToken',
      '    expiresAt',
      '  }',
      '}',
      '',
    ].join('\\n');
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true, isHeadersEditorEnabled: true }),
    );
  </script>
</body>
</html>`;

/** Serves the playground on GET /graphql for browsers; everything else goes on to Apollo. */
export function graphiqlMiddleware(): express.Router {
  const router = express.Router();
  router.get('/graphiql/:asset', (req: Request, res: Response, next: NextFunction) => {
    const file = ASSETS[String(req.params.asset)];
    if (!file) return next();
    res.sendFile(file, { maxAge: '1d' });
  });
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    const wantsPage = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsPage || req.query.query) return next();
    res.type('html').send(PAGE);
  });
  return router;
}
