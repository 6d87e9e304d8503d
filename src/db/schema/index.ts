export * from './clients.ts';
export * from './lines.ts';
export * from './ownership.ts';
export * from './policies.ts';
export * from './users.ts';
export * from './identity.ts';
