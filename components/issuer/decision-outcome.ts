/**
 * What a reissue decision returns to the operator's browser: codes and parameters, never sentences
 * (the page renders them in the reader's language). Shared by the server actions and the queue.
 */

export type Reloader = { name: string; learns: "told-now" | "asks-at-visit" | "inquiry-at-visit" };

export type DecisionOutcome =
  | { code: "approved"; requestNo: number; cardholder: string; last4: string; temporary: boolean; platformType: 100 | 200; reloaders: Reloader[] }
  | { code: "rejected"; requestNo: number; cardholder: string };

/** A request decided before this operator's decision arrived: by whom and when. */
export type EarlierDecision = { status: "approved" | "rejected" | "withdrawn"; byName: string | null; at: string | null };

export type DecisionRefusal = { code: string; message: string; decided?: EarlierDecision };

export type DecisionState = {
  ok?: boolean;
  /** Set with `refusal` when the session is refused (the shape every action's refusal has). */
  message?: string;
  outcome?: DecisionOutcome;
  refusal?: DecisionRefusal;
  fieldErrors?: { reason?: string[]; overrideReason?: string[] };
};
