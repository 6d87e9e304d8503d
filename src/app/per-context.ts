import type { AppContext } from './context.ts';

/**
 * In-process state kept per application context (a test process runs several): `make` builds it on
 * first use, and it goes away with its context.
 */
export function perContext<T extends object>(make: () => T): (ctx: AppContext) => T {
  const states = new WeakMap<AppContext, T>();
  return (ctx) => {
    let s = states.get(ctx);
    if (!s) {
      s = make();
      states.set(ctx, s);
    }
    return s;
  };
}
