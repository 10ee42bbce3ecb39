# ZoomOps container image: one image for every role (ZOOMOPS_ROLE=web | worker | all), see compose.yaml and the
# README's "Container" section. Two stages: the build has the dev dependencies (TypeScript); the runtime has only the
# production dependencies and the compiled dist/, and runs as the unprivileged `node` user.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: a lifecycle script (prepare, postinstall) must not try to build before the sources are here.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ZOOMOPS_RECORDINGS_DIR=/app/data/recordings
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Recordings land under /app/data; a volume mounted there starts out owned by the runtime user.
RUN mkdir -p /app/data/recordings && chown -R node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
# /healthz answers 200 only while Redis serves the bot's keys; every role serves it on PORT. Three misses 30 s apart
# leave start-up 90 s (no --start-period: dockerfilelint 1.8 misreads hyphenated options as invalid).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself, so running jobs reach a safe point before the container stops.
CMD ["node", "dist/main.js"]
