import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export type ChildServer = { url: string; child: ChildProcess; stop(): Promise<void> };

/** Run the real `fairbase start --port 0` against a PostgreSQL URL in a child process; resolves once it listens. */
export async function startChildServer(databaseUrl: string, timeoutMs = 60_000): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [resolve('bin/fairbase.mjs'), 'start', '--port', '0', '--host', '127.0.0.1'],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl, FAIRBASE_DATA_DIR: '', FAIRBASE_LOG: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      const timer = setTimeout(
        () => fail(new Error(`server did not start in ${timeoutMs} ms: ${out}`)),
        timeoutMs,
      );
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        const m = out.match(/is running at (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      });
      child.stderr!.on('data', (d: Buffer) => {
        out += d;
      });
      child.once('exit', (c) => {
        clearTimeout(timer);
        fail(new Error(`server exited (${c}): ${out}`));
      });
    });
    return { url, child, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
