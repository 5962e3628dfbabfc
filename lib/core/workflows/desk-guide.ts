/**
 * The guided desk (issue 15): after the card is read, what the desk knows about it from its own
 * records (whose card, the card it replaces, what is on it, what can be reloaded and at what fee),
 * and the one sensible next action, the others one click away. Pure: the server gathers the facts.
 */

/** A fee to users (claim 14), integer minor units. */
export type GuideFee = { readonly normalFeeMinor: number; readonly reissueFeeMinor: number; readonly currency: string };

/** One of our applications as the desk sees it on this card. */
export type GuideApplication = {
  readonly aid: string;
  readonly name: string;
  readonly fee: GuideFee | null;
  /** The card lists it (GET STATUS; platform 100 only). */
  readonly isOnCard: boolean;
  /**
   * Method 1: our load of it on the card this one replaces (or an earlier one), by the Fig. 13 pairs
   * we hold: reloadable when it was loaded and not reloaded since.
   */
  readonly oldLoad: { readonly messageId: string; readonly isReloadable: boolean } | null;
  /**
   * Our load of it on this very card (platform 100, by card id): its message id names the application's
   * own keys (docs/provider.md "Application keys"), which the desk can rotate.
   */
  readonly loadOnCard: { readonly messageId: string } | null;
};

/** What the desk's own records say about the card read (never an issuer table). */
export type CardAtDesk = {
  readonly platformType: 100 | 200;
  /** Our customer, when our records name one for this card or the card it replaces (platform 100). */
  readonly customer: { readonly customerNo: string; readonly fullName: string; readonly fullNameKana: string | null } | null;
  /**
   * replaces: the Fig. 13 data we hold names the card it replaces; not-in-our-data: no pair for this
   * card id (the issuer may still know one: pull, Fig. 19); issuer-only: platform 200, only the issuer can tell.
   */
  readonly reissue:
    | { readonly status: "replaces"; readonly oldCardLast4: string | null; readonly oldCardId: string }
    | { readonly status: "not-in-our-data" }
    | { readonly status: "issuer-only" };
  readonly applications: readonly GuideApplication[];
  /** Applications on the card that are not ours (their count only: they are other providers'). */
  readonly othersOnCard: number;
};

export type DeskAction =
  /** Reload these applications now: the case opens with them, no other choice. */
  | { readonly kind: "reload"; readonly aids: readonly string[] }
  /** The reload form: choose applications, the issuer is asked (method 2, or a pull before 707). */
  | { readonly kind: "reload-form" }
  /** A first load (new examination, normal fee) of applications not on the card. */
  | { readonly kind: "first-load" };

export type DeskGuidance = { readonly next: DeskAction | null; readonly others: readonly DeskAction[] };

/** Our applications that can be reloaded now: on the old card, loaded and not reloaded, not already on this card. */
export function reloadableNow(card: CardAtDesk): GuideApplication[] {
  return card.applications.filter((a) => !a.isOnCard && a.oldLoad?.isReloadable && a.fee);
}

/** Our applications a first load may offer: not on the card, with a fee set. */
export function loadableNow(card: CardAtDesk): GuideApplication[] {
  return card.applications.filter((a) => !a.isOnCard && a.fee);
}

/** The one sensible next action; the other flows stay one click away whatever the records say. */
export function guideDesk(card: CardAtDesk): DeskGuidance {
  const next = nextAction(card);
  const others: DeskAction[] = [{ kind: "reload-form" }, { kind: "first-load" }];
  return { next, others: others.filter((o) => o.kind !== next?.kind) };
}

function nextAction(card: CardAtDesk): DeskAction | null {
  const reloadable = reloadableNow(card);
  const loadable = loadableNow(card);
  if (reloadable.length > 0) return { kind: "reload", aids: reloadable.map((a) => a.aid) };
  if (loadable.length === 0) return null;
  // Our records know this card (or the card it replaces) and nothing is left to reload: a new load.
  if (card.reissue.status === "replaces" || card.customer) return { kind: "first-load" };
  // Platform 200, or a card id not in the reissuance information we hold: only the issuer can say
  // whether it replaces an old card (Fig. 11, or the Fig. 19 pull before 707).
  return { kind: "reload-form" };
}
