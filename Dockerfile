# Tessera's image: the API (the default command), the queue worker and the operator commands.
#   docker build -t tessera .          (docker compose builds it as tessera:local)
#   API:      the default command
#   worker:   node --max-semi-space-size=8 dist/src/worker.js
#   commands: node dist/src/cli.js migrate | create-admin … | seed-demo | generate …
# Configuration is the environment (.env.example, docs/operations.md); the image sets only NODE_ENV.

# npm comes from this image. The Node.js that Tessera runs on is the `node` package of
# package-lock.json (the version the tests ran on), installed into node_modules like any dependency.
FROM node:24-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies before the sources, so a code change reuses this layer. --ignore-scripts skips the
# root's `prepare: nest build` (no sources yet); `npm rebuild` then runs the dependencies' install
# scripts (package.json `allowScripts`), among them the `node` package fetching its binary.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs libs
COPY src src
COPY scripts scripts
# Build, then drop the dev dependencies (the prune also drops the `node` package's install-time
# copy of its binary, which is not in the lock file: one 120 MB binary is left, not two).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# The runtime needs no npm and no second Node.js: only glibc and libstdc++, which the `node` binary
# links to (the base image has both: its apt needs them).
FROM debian:trixie-slim
RUN useradd --system --uid 10001 --home-dir /app --no-create-home tessera
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The playground (GRAPHIQL) serves its browser files and the example operations as they are, uncompiled.
COPY src/api/playground/assets src/api/playground/assets
COPY examples examples
# DATA_DIR (./.data) is written only without SMTP_URL (mail as .eml files) or without DATABASE_URL.
RUN mkdir .data && chown tessera .data
# `node` is the pinned one; so is the `node` of `docker compose exec api node dist/src/cli.js …`.
ENV PATH=/app/node_modules/.bin:$PATH \
    NODE_ENV=production
USER tessera
EXPOSE 3000
# package.json `config.nodeFlags`, as `npm start` passes them (why: src/main.ts).
CMD ["node", "--max-semi-space-size=8", "dist/src/main.js"]
