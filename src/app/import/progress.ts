import type { AppContext } from '../context.ts';
import type { ImportProgress } from './run.ts';

/**
 * How far the applies running in this process have got, per import: the rows matched and the rows
 * written (a batch is written while the next is matched, so both advance). Kept in memory: a page
 * polling another server instance than the one applying sees `running: false` and shows a bar
 * without a percentage. An entry lives from the start of its apply to its end.
 */
export type ImportProgressView = { running: boolean; matched: number; written: number; total: number };

const boards = new WeakMap<AppContext, Map<number, ImportProgressView>>();

function boardOf(ctx: AppContext): Map<number, ImportProgressView> {
  let b = boards.get(ctx);
  if (!b) {
    b = new Map();
    boards.set(ctx, b);
  }
  return b;
}

/** Track an apply of `importId`: returns the progress callback and the function that ends the entry. */
export function trackImport(
  ctx: AppContext,
  importId: number,
): { onProgress: (p: ImportProgress) => void; end: () => void } {
  const board = boardOf(ctx);
  const view: ImportProgressView = { running: true, matched: 0, written: 0, total: 0 };
  board.set(importId, view);
  return {
    onProgress: (p) => {
      view.total = p.total;
      if (p.phase === 'match') view.matched = p.done;
      else view.written = p.done;
    },
    end: () => {
      if (board.get(importId) === view) board.delete(importId);
    },
  };
}

export function importProgress(ctx: AppContext, importId: number): ImportProgressView {
  return boardOf(ctx).get(importId) ?? { running: false, matched: 0, written: 0, total: 0 };
}
