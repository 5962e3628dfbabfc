import createNextIntlPlugin from "next-intl/plugin";

// next-intl without locale routing: the request config picks the language (docs/i18n.md).
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` type-checks the whole repository first (tsc --noEmit); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in person opens another portal.
  // Server actions take up to 9 MB: a message file import is at most 8 MiB (app/_actions/messages.ts) plus form overhead.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: "9mb" } },
  // pg with the Prisma adapter: lib/server/db.ts hands the adapter its own pg.Pool, which the adapter
  // recognises with instanceof, so both must load the one pg from node_modules.
  serverExternalPackages: ["pg-boss", "pg", "@prisma/adapter-pg"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          // Web Serial and WebUSB are the reader bridges; nothing else is needed from the platform.
          { key: "Permissions-Policy", value: "serial=(self), usb=(self), camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
