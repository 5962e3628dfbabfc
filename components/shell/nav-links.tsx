"use client";
import { Link } from "@/components/ui/link";
import { usePathname } from "next/navigation";

export type NavItem = { href: string; label: string };

/** Portal navigation; the current section is marked for sight and for screen readers. */
export function NavLinks({ items, root, label }: { items: NavItem[]; root: string; label: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="flex flex-wrap gap-1">
      {items.map((item) => {
        const active = item.href === root ? pathname === root : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium transition ${active ? "bg-black/25 text-white" : "text-white/90 hover:bg-white/10 hover:text-white"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
