import { PortalNotFound } from "@/components/shell/portal-boundaries";

/** notFound() in the issuer portal (an unknown or another tenant's id): inside its shell. */
export default function IssuerNotFound() {
  return <PortalNotFound home="/issuer" />;
}
