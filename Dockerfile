# syntax=docker/dockerfile:1
# The API image: compiled in a build stage with the dev dependencies, run with the production
# dependencies only, as the unprivileged `node` user. Node 20 as in package.json "engines" and CI.
ARG NODE_IMAGE=node:20.20-bookworm-slim

# Production dependencies. better-sqlite3 downloads a prebuilt binary; the toolchain is the
# fallback when none matches the platform (then it compiles).
FROM ${NODE_IMAGE} AS production-dependencies
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Compilation: the full install (TypeScript, tsc-alias) on top of the production one.
FROM production-dependencies AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX as npm start sets it (see README, "Memory").
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    EVENTS_DB_PATH=/app/data/events.db
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
COPY --from=production-dependencies --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node config/*.example.json ./config/
# The embedded event store's folder (unused with EVENTSTORE_URL); a volume keeps it across restarts.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Liveness only: a store outage shows in /health/ready and must not get the container restarted.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap cap of `npm start`: the read models live in SQLite, so the heap is requests and caches.
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=8", "--v8-pool-size=0", "dist/apps/api/src/main.js"]
