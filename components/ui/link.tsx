"use client";
import NextLink from "next/link";
import { useState, type ComponentProps } from "react";

/**
 * Next's `<Link>`, prefetching on intent: a link starts to prefetch when the pointer enters it, a finger
 * touches it or it gets the focus, not when it scrolls into view.
 *
 * Every page of ReCard is dynamic (the session decides what it shows), so a link prefetched in view costs
 * a server render (the session read, the account checked) for a page the person may never open. Next's
 * default did that for every link on screen, twice: an issuer's dashboard sent 23 requests after its own,
 * a cards list one per row. On intent, the page is on its way by the time the click lands. The pattern is
 * Next's own ("Hover-triggered prefetch", docs/app/guides/prefetching); `prefetch` given explicitly wins.
 * eslint.config.mjs forbids `next/link` elsewhere.
 */
export function Link({ prefetch, onMouseEnter, onTouchStart, onFocus, ...props }: ComponentProps<typeof NextLink>) {
  const [intent, setIntent] = useState(false);
  // Marks the intent, then calls the caller's own handler, if any.
  const onIntent =
    <E,>(own?: (event: E) => void) =>
    (event: E) => {
      setIntent(true);
      own?.(event);
    };
  return (
    <NextLink
      {...props}
      prefetch={prefetch !== undefined ? prefetch : intent ? null : false}
      onMouseEnter={onIntent(onMouseEnter)}
      onTouchStart={onIntent(onTouchStart)}
      onFocus={onIntent(onFocus)}
    />
  );
}
