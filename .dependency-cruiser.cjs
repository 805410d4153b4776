/**
 * Import rules `npm test` checks (npm run deps): no import cycles anywhere, and modules stay
 * planners: they import neither the transport (SSH, sessions), the engine, the UI nor the
 * playbook parser (the parser reads the module registry, never the other way round).
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle.', from: {}, to: { circular: true } },
    {
      name: 'modules-plan-only',
      severity: 'error',
      comment: 'Modules plan: typed arguments in, changes out. No SSH, no UI, no engine, no parser.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(playbook|engine|ui|cli|lab|inventory|facts)/|^src/connection/(?!file-transfer\\.ts$)' },
    },
    {
      name: 'no-parser-in-lower-layers',
      severity: 'error',
      comment: 'The playbook parser is read by the engine and the CLI only.',
      from: { path: '^src/(modules|template|expr|config|util|connection)/' },
      to: { path: '^src/playbook/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
