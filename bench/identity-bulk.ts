/** The bulk client generator moved to src/app/demo/bulk-clients.ts (shared with `fairbase demo` at scale). */
export { bulkLoadClients } from '../src/app/demo/bulk-clients.ts';
