import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { GraphQLSchema } from 'graphql';
import { dirname, join } from 'node:path';
import { loadExamples, repositoryRoot } from './examples';
import { uploadFieldPaths } from './upload-fields';

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL, React and the playground's own script, all from this server: the playground needs no internet. */
function assetFiles(root: string): Record<string, string> {
  const own = join(root, 'src', 'api', 'playground', 'assets');
  return {
    'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
    'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
    'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
    'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
    'playground.js': join(own, 'playground.js'),
    'playground.css': join(own, 'playground.css'),
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Tessera GraphQL playground</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="stylesheet" href="/graphiql/graphiql.css" />
  <link rel="stylesheet" href="/graphiql/playground.css" />
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script src="/graphiql/playground.js"></script>
</body>
</html>`;

/**
 * The playground on GET /graphql for browsers (everything else goes on to Apollo): GraphiQL with a
 * sign-in panel and the ready-made operations of examples/ (GET /graphiql/examples.json). The
 * schema (once the app has built it) tells the playground where files go in input objects.
 */
export function playgroundMiddleware(schema: () => GraphQLSchema): express.Router {
  const root = repositoryRoot();
  const assets = assetFiles(root);
  const examples = JSON.stringify(loadExamples(join(root, 'examples')));
  let uploads: string | undefined;
  const router = express.Router();
  router.get('/graphiql/examples.json', (_req: Request, res: Response) => {
    res.type('json').send(examples);
  });
  router.get('/graphiql/upload-fields.json', (_req: Request, res: Response) => {
    uploads ??= JSON.stringify(uploadFieldPaths(schema()));
    res.type('json').send(uploads);
  });
  router.get('/graphiql/:asset', (req: Request, res: Response, next: NextFunction) => {
    const file = assets[String(req.params.asset)];
    if (!file) return next();
    res.sendFile(file, { maxAge: '1h' });
  });
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    const wantsPage = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsPage || req.query.query) return next();
    res.type('html').send(PAGE);
  });
  return router;
}
