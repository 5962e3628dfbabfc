import { PortalNotFound } from "@/components/shell/portal-boundaries";

/** notFound() in the provider portal (an unknown or another tenant's id): inside its shell. */
export default function ProviderNotFound() {
  return <PortalNotFound home="/provider" />;
}
