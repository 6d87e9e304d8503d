import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import type { Outcome } from '../../core/outcome.ts';
import { runSimulation } from '../../app/simulator.ts';
import { simulationInput, simulationOut } from '../../contract/simulations.ts';
import type { RouteAccess } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

const HEAD_OR_ADMIN: RouteAccess = ['head', 'admin'];

/** The simulator names fields of its request (`policy.expiry.noTouchDays`); on the API they are in the body. */
function inBody<T>(out: Outcome<T>): Outcome<T> {
  if (out.ok) return out;
  const d = out.details as { issues?: { path: string; message: string }[] };
  if (!d.issues) return out;
  return { ...out, details: { ...d, issues: d.issues.map((i) => ({ ...i, path: `body.${i.path}` })) } };
}

/**
 * The policy simulator (C19): replay the recorded history under a candidate policy beside the
 * current one. Synchronous: the period is capped (app/simulator.ts MAX_DAYS) and a year with a
 * million touches answers in seconds (bench/simulate.ts), so there is no job to poll.
 */
export function registerSimulationRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/simulations',
    {
      config: { access: HEAD_OR_ADMIN },
      schema: {
        tags: ['policy'],
        summary:
          'What if the policy were different? The recorded history replayed day by day under a candidate policy (a preset name or a document, partial ones merged over the current policy) beside the current one',
        body: simulationInput,
        response: { 200: simulationOut },
      },
    },
    async (req, reply) =>
      sendOutcome(
        reply,
        inBody(await runSimulation(ctx, { policy: req.body.policy, from: req.body.from, to: req.body.to })),
      ),
  );
}
