/**
 * The layering of src/ (README, Architecture), checked by `npm run lint` in CI: a loop between
 * modules or folders, or an import against the layers, fails the build.
 *
 * Layers, lowest first; a folder imports only from its own layer or those below:
 *   base:           common (pure helpers), then config, then database
 *   platform:       auth, ledger, metrics, idempotency, rate-limit, jurisdictions
 *   features:       api-keys, campaigns, customers, events, preferences, decisions, consents,
 *                   inbound, imports, lifecycle, webhooks, audit, erasure, health, jobs,
 *                   links, pages, people, overview, console
 *   composition:    app.module.ts, app.setup.ts, main.ts, entities.ts, bin/
 * Among features, the folder graph must have no cycle (which way each goes is the README's).
 */
const FEATURES =
  'api-keys|audit|campaigns|consents|console|customers|decisions|erasure|events|health|imports|inbound|jobs|lifecycle|links|overview|pages|people|preferences|webhooks';
const PLATFORM = 'auth|ledger|metrics|idempotency|rate-limit|jurisdictions';

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
      comment: 'Folders must not import each other both ways: one of them owns the thing, the other uses it.',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'common-is-the-base',
      severity: 'error',
      comment: 'src/common holds pure helpers every layer may use: it imports nothing else of src.',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'config-needs-only-common',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(common|config)/' },
    },
    {
      name: 'database-below-everything-else',
      severity: 'error',
      comment: 'The database layer knows no feature: the entity list comes from the composition root.',
      from: { path: '^src/database/' },
      to: { path: '^src/', pathNot: '^src/(common|config|database)/' },
    },
    {
      name: 'platform-below-features',
      severity: 'error',
      comment: 'Infrastructure used by features must not reach into them.',
      from: { path: `^src/(${PLATFORM})/` },
      to: { path: `^src/(${FEATURES})/` },
    },
    {
      name: 'only-the-root-composes',
      severity: 'error',
      comment: 'The app module, its setup, the entity list and main are the composition root: nothing below imports them.',
      from: { path: '^src/', pathNot: '^src/(bin/|app\\.module\\.ts$|app\\.setup\\.ts$|main\\.ts$)' },
      to: { path: '^src/(app\\.module|app\\.setup|main|entities)\\.ts$' },
    },
    {
      name: 'sql-only-in-repositories',
      severity: 'error',
      comment:
        'Only repositories (and the database layer) hold Db, the query API; services ask for a unit of work through Transactions. (The SQL-file generator stands in for Db.)',
      from: { path: '^src/', pathNot: '(\\.repository\\.ts$|^src/database/|^src/bin/generate-sql\\.ts$)' },
      to: { path: '^src/database/db\\.ts$' },
    },
    {
      name: 'controllers-are-entry-points',
      severity: 'error',
      comment: 'A controller is wired by its own module; nothing else imports it (shared pipes live in common/).',
      from: { pathNot: '\\.module\\.ts$' },
      to: { path: '\\.controller\\.ts$' },
    },
    {
      name: 'modules-are-wired-by-modules',
      severity: 'error',
      comment: 'Nest modules are imported by other modules and the composition root only.',
      from: { path: '^src/', pathNot: '(\\.module\\.ts$|^src/bin/|^src/app\\.setup\\.ts$)' },
      to: { path: '\\.module\\.ts$' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code (entry points and specs excepted).',
      from: { orphan: true, pathNot: ['\\.spec\\.ts$', '^src/main\\.ts$', '^src/bin/'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
