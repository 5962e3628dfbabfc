import Forbidden from "../forbidden";

/** Rendered by proxy.ts (with status 403) when a signed-in person opens another role's portal. */
export default function ForbiddenPortal() {
  return <Forbidden />;
}
