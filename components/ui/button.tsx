import { Link } from "@/components/ui/link";
import type { ButtonHTMLAttributes, ReactNode } from "react";

const VARIANTS = {
  primary: "bg-slate-900 text-white hover:bg-slate-700 disabled:bg-slate-400",
  secondary: "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-500",
  danger: "bg-rose-600 text-white hover:bg-rose-500 disabled:bg-rose-300",
  good: "bg-emerald-700 text-white hover:bg-emerald-600 disabled:bg-emerald-300",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

const BASE = "inline-flex items-center justify-center gap-2 rounded-lg px-3.5 py-2 text-sm font-medium shadow-sm transition disabled:cursor-not-allowed";

export function Button({ variant = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return <button {...props} className={`${BASE} ${VARIANTS[variant]} ${className}`} />;
}

export function LinkButton({ href, variant = "secondary", children }: { href: string; variant?: ButtonVariant; children: ReactNode }) {
  return (
    <Link href={href} className={`${BASE} ${VARIANTS[variant]}`}>
      {children}
    </Link>
  );
}
