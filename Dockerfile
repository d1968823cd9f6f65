# syntax=docker/dockerfile:1.7
# One image for every role, tagged with the version in package.json:
#   docker build -t ivoryos-ts:0.1.0 .
#   gateway (default): docker run -p 8000:8000 ivoryos-ts:0.1.0
#   migrations:        docker run ivoryos-ts:0.1.0 node dist/libs/db/src/cli/migrate.js up
#   deck agent:        docker run ivoryos-ts:0.1.0 node dist/apps/deck-agent/src/cli.js examples/decks/abstract_sdl.ts
# No HEALTHCHECK here: the agent shares the image and has no HTTP server, so health checks are
# declared per role (docker-compose.yml, k8s/).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until package-lock.json changes.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
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
RUN mkdir -p /app/ivoryos_data && chown 1000:1000 /app/ivoryos_data
# An absolute path, so volumes mount at a known place whatever the working directory.
ENV IVORYOS_DATA_DIR=/app/ivoryos_data
# uid of the base image's `node` user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8000
CMD ["node", "dist/apps/gateway/src/main.js"]
