import type { z } from 'zod';
import type { disputeOut } from '../../../../src/contract/disputes.ts';
import type { handoverOut, handoverPlanOut } from '../../../../src/contract/rules-over-time.ts';

export type Dispute = z.output<typeof disputeOut>;
export type HandoverPlan = z.output<typeof handoverPlanOut>;
export type Handover = z.output<typeof handoverOut>;
