/**
 * The layering of src/ (README, Architecture): dependency-cruiser runs these rules in
 * `npm run lint`, so a loop between folders or an import against the layers fails CI.
 *
 * Layers, lowest first; a folder imports only from its own layer or below:
 *   infrastructure: config, common, database, ledger (pseudonyms, system events, sealing)
 *   auth, idempotency, metrics, rate-limit: cross-cutting request concerns
 *   features: campaigns, customers, senders, consents, decisions, preferences, lifecycle,
 *     inbound, imports, webhooks, audit, api-keys, health, jobs
 *   composition: app.module.ts, app.setup.ts, main.ts, bin/
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module must not depend on itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'Feature folders must not import each other both ways: one of them owns the thing, the other uses it.',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
