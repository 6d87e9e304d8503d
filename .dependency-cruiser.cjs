/** The allowed imports of docs/ARCHITECTURE.md, enforced in `npm run lint`. */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'core-is-pure', severity: 'error', comment: 'core imports nothing of ours outside core, and no I/O modules',
      from: { path: layer('core') }, to: { path: '^src/(?!core/)' } },
    { name: 'core-no-io', severity: 'error', from: { path: layer('core') },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|os|crypto|worker_threads)$' } },
    { name: 'contract-only-core', severity: 'error', from: { path: layer('contract') }, to: { path: '^src/(?!(core|contract)/)' } },
    { name: 'db-only-core', severity: 'error', from: { path: layer('db') }, to: { path: '^src/(?!(core|db)/)' } },
    { name: 'app-only-core-db', severity: 'error', from: { path: layer('app') }, to: { path: '^src/(?!(core|db|app)/)' } },
    { name: 'adapters-not-db', severity: 'error', comment: 'http and cli reach the database through app',
      from: { path: '^src/(http|cli)/', pathNot: '\\.test\\.ts$' }, to: { path: '^src/db/' } },
    { name: 'http-not-cli', severity: 'error', from: { path: layer('http') }, to: { path: layer('cli') } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
