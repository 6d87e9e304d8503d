/** Rule "no"s of touches, one voice, deals, weekly plans and disputes (C8, C9, C11, C13, C16); rows in src/contract/rejections.ts. */
export const activityRejectionCodes = [
  'DO_NOT_CONTACT',
  'NON_OWNER_OUTREACH_BLOCKED',
  'DEAL_CLOSED',
  'DEAL_NOT_WON',
  'NOT_DEAL_MANAGER',
  'PLAN_WEEK_CLOSED',
  'PLAN_CLIENT_NOT_AVAILABLE',
  'NOT_PLAN_OWNER',
  // Disputes (C11)
  'DISPUTE_ALREADY_OPEN',
  'DISPUTE_CLOSED',
] as const;
export type ActivityRejectionCode = (typeof activityRejectionCodes)[number];
