import { PortalNotFound } from "@/components/shell/portal-boundaries";

/** notFound() in the cardholder portal (an unknown or another tenant's id): inside its shell. */
export default function CardholderNotFound() {
  return <PortalNotFound home="/cardholder" />;
}
