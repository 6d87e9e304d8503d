// Response shapes of touches, deals, plans, notifications, expiry and analytics (types only, from the contract).
import type { z } from 'zod';
import type {
  contactCheckOut,
  dealChangedOut,
  dealOut,
  dealPage,
  historyItemOut,
  historyOut,
  notificationPage,
  nudgesOut,
  planOut,
  planReportOut,
  touchLoggedOut,
  touchOut,
  warningOut,
} from '../../../../src/contract/activity.ts';
import type {
  capReviewOut,
  coverageOut,
  expiryOut,
  sweepOut,
  trendsOut,
  untouchedOut,
} from '../../../../src/contract/rules-over-time.ts';

export type Touch = z.output<typeof touchOut>;
export type TouchLogged = z.output<typeof touchLoggedOut>;
export type Warning = z.output<typeof warningOut>;
export type ContactCheck = z.output<typeof contactCheckOut>;
export type HistoryItem = z.output<typeof historyItemOut>;
export type HistoryPage = z.output<typeof historyOut>;
export type Deal = z.output<typeof dealOut>;
export type DealChanged = z.output<typeof dealChangedOut>;
export type DealPage = z.output<typeof dealPage>;
export type NotificationPage = z.output<typeof notificationPage>;
export type Notification = NotificationPage['items'][number];
export type Nudges = z.output<typeof nudgesOut>;
export type Plan = z.output<typeof planOut>;
export type PlanReport = z.output<typeof planReportOut>;
export type Expiry = z.output<typeof expiryOut>;
export type ExpiryItem = Expiry['items'][number];
export type Sweep = z.output<typeof sweepOut>;
export type CapReview = z.output<typeof capReviewOut>;
export type Coverage = z.output<typeof coverageOut>;
export type Trends = z.output<typeof trendsOut>;
export type Untouched = z.output<typeof untouchedOut>;

export const TOUCH_KINDS = ['call', 'meeting', 'email', 'proposal', 'note'] as const;
export const DIRECTIONS = ['outbound', 'inbound'] as const;
export const OUTCOMES = [
  'reached',
  'not_reached',
  'meeting_held',
  'proposal_sent',
  'refused',
  'other',
] as const;
export const DEAL_STAGES = ['lead', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];
export type DealStage = (typeof DEAL_STAGES)[number];
