/**
 * A sampling CPU profile of this process (node:inspector), summarised per function: where the time
 * of lookup() goes outside the database (scoring, mapping, PGlite's WebAssembly).
 */
import { Session } from 'node:inspector/promises';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

export type CpuEntry = { fn: string; selfMs: number; totalMs: number };
export type CpuSummary = { wallMs: number; sampledMs: number; top: CpuEntry[]; project: CpuEntry[] };

function keyOf(f: CallFrame): string {
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(src|bench|node_modules)\//, '$1/');
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  // Line numbers are of the transpiled module (tsx), not of the source: left out.
  return `${name} ${file}`;
}

export async function startCpuProfile(): Promise<{ stop(): Promise<CpuSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map<number, number>();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const self = new Map<string, number>();
      const total = new Map<string, number>();
      let sampled = 0;
      profile.samples.forEach((id, i) => {
        const dt = (profile.timeDeltas[i] ?? 0) / 1000;
        const node = byId.get(id);
        if (!node) return;
        const k = keyOf(node.callFrame);
        if (k === '(idle)' || k === '(program)') return;
        sampled += dt;
        self.set(k, (self.get(k) ?? 0) + dt);
        const seen = new Set<string>();
        for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
          const kk = keyOf(byId.get(cur)!.callFrame);
          if (seen.has(kk)) continue;
          seen.add(kk);
          total.set(kk, (total.get(kk) ?? 0) + dt);
        }
      });
      const entries = [...total.entries()].map(([fn, totalMs]) => ({
        fn,
        selfMs: self.get(fn) ?? 0,
        totalMs,
      }));
      return {
        wallMs: (profile.endTime - profile.startTime) / 1000,
        sampledMs: sampled,
        top: [...entries].sort((a, b) => b.selfMs - a.selfMs).slice(0, 12),
        project: entries
          .filter((e) => e.fn.includes(' src/'))
          .sort((a, b) => b.totalMs - a.totalMs)
          .slice(0, 14),
      };
    },
  };
}
