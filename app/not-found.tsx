import { PortalNotFound } from "@/components/shell/portal-boundaries";

export default function NotFound() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <PortalNotFound home="/" label="goToPortal" />
    </main>
  );
}
