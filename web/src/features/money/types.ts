import type { z } from 'zod';
import type { commissionOut, receivablesOut } from '../../../../src/contract/money.ts';

export type Commission = z.output<typeof commissionOut>;
export type CommissionRow = Commission['rows'][number];
export type CommissionLine = Commission['lines'][number];
export type Receivables = z.output<typeof receivablesOut>;
export type ReceivableRow = Receivables['rows'][number];
export type OverdueOrder = Receivables['orders'][number];
export const BUCKETS = ['1-30', '31-60', '61-90', '90+'] as const;
