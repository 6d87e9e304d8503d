import type { FastifyReply } from 'fastify';
import type { Outcome, RejectionCode } from '../core/outcome.ts';
import { describeRejection } from '../contract/rejections.ts';

export function sendRejection(
  reply: FastifyReply,
  code: RejectionCode,
  details: Record<string, unknown> = {},
) {
  const r = describeRejection(code, details);
  return reply.code(r.status).type('application/json').serializer(JSON.stringify).send(r.body);
}

/** Send a use case's outcome: the value (through the route's response schema) or the mapped rejection. */
export function sendOutcome<T, R>(reply: FastifyReply, out: Outcome<T>, status = 200, map?: (v: T) => R) {
  if (!out.ok) return sendRejection(reply, out.code, out.details);
  return reply.code(status).send(map ? map(out.value) : out.value);
}
