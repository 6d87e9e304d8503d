import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Runs a CLI command inside this server (the CLI can't open the PGlite folder the server holds). */
export type OpsHandler = (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export function registerOpsRoutes(root: FastifyInstance, run: OpsHandler | null) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/internal/cli',
    {
      config: { access: 'ops' },
      schema: {
        hide: true,
        body: z.object({ argv: z.array(z.string().max(10_000)).max(100) }),
        response: { 200: z.object({ exitCode: z.number(), stdout: z.string(), stderr: z.string() }) },
      },
    },
    async (req) => {
      if (!run) return { exitCode: 1, stdout: '', stderr: 'this server does not run CLI commands' };
      return run(req.body.argv);
    },
  );
}
