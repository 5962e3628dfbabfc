import "server-only";
import { z } from "zod";
import { unsafeDefaults, unsafeDefaultsMessage } from "./deployment";
import { HOSTS_PATTERN } from "./hosts";

/** The one place that reads process.env (STYLE.md, convention 1). Validated once, on first use. */
const EnvSchema = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL"),
    /** Set by scripts/start.ts: which database DATABASE_URL points at (reported by /api/health). */
    RECARD_DB_KIND: z.enum(["embedded-postgresql", "postgresql"]).default("postgresql"),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(8),
    /** Every query's statement timeout (PostgreSQL cancels it): a stuck database answers 503, not a hang. */
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** /api/exchange: requests per minute from one client address (before anything is read). */
    RECARD_EXCHANGE_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    /** /api/exchange: verified messages per minute from one sending company. */
    RECARD_EXCHANGE_PER_SENDER_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    /** How long a request waits for a database connection (a new one or a busy pool's next free one). */
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** An interactive transaction still open after this long is rolled back (Prisma's own default, 5 s). */
    DB_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters"),
    /** The public URL; an https:// one switches the cookies to __Host- names with Secure, and turns on HSTS. */
    NEXTAUTH_URL: z.string().url().optional(),
    /** A session unused for this long ends (docs/security.md). */
    RECARD_SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /** A session ends this long after sign-in, however active. */
    RECARD_SESSION_MAX_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(12),
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    /** "production" makes a deployment a production one even outside `next start` (lib/server/deployment.ts). */
    RECARD_ENV: z.enum(["development", "production", "test"]).optional(),
    /** "1": an explicit demo (public demo keys, demo accounts). `npm start` sets it; production without it refuses demo keys. */
    RECARD_DEMO: z.enum(["", "0", "1"]).optional(),
    /**
     * Message-signing keys of the companies this deployment hosts, as JSON
     * {"METRO01": {"kid": "METRO01/key-1", "privateKey": {JWK}}}. Without it the demo keys of
     * lib/core/messages/demo-keys.ts are used (demo only: they are public).
     */
    RECARD_COMPANY_KEYS: z.string().optional(),
    /** Where companies hosted elsewhere receive messages over HTTP, as JSON {"HOSHI01": "https://…"}. */
    RECARD_PEERS: z.string().optional(),
    /**
     * The companies this deployment hosts, comma-separated ("RECARD01", "METRO01", "HOSHI01,SAKURA01");
     * unset: every company in its database (lib/server/hosting.ts, docs/deployment.md).
     */
    RECARD_HOSTS: z
      .string()
      .regex(HOSTS_PATTERN, "RECARD_HOSTS must be company ids separated by commas")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /**
     * The issuer's card keys (permission signing, card attribute data) as JSON in the IssuerKeys
     * shape of lib/core/card ({"signing": {"publicKeyJwk", "privateKeyJwk"}, "encryption": {…}}).
     * Without it the public demo keys are used (lib/server/issuer/keys.ts).
     */
    RECARD_ISSUER_CARD_KEYS: z.string().optional(),
    /**
     * The issuer's master key for the cards' ISD (SCP03) keys, 64 hex digits (AES-256). Every card's
     * keys are diversified from it (lib/server/issuer/keys.ts). Without it a public demo master key.
     */
    RECARD_ISD_MASTER_KEY: z
      .string()
      .regex(/^[0-9A-F]{64}$/, "RECARD_ISD_MASTER_KEY must be 64 upper-case hex digits")
      .optional(),
    /**
     * The providers' master key for their applications' own SCP03 keys (lib/core/card/ssd.ts), 64 hex
     * digits (AES-256); each provider's, application's and load's keys are diversified from it
     * (lib/server/data/provider/application-keys.ts). Without it a public demo master key.
     */
    RECARD_PROVIDER_SSD_MASTER_KEY: z
      .string()
      .regex(/^[0-9A-F]{64}$/, "RECARD_PROVIDER_SSD_MASTER_KEY must be 64 upper-case hex digits")
      .optional(),
    /**
     * Where cardholder notices are e-mailed (nodemailer): smtp://user:pass@host:port or smtps://….
     * Without it notices stay in the cardholder's in-portal inbox only.
     */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s/]+(:\d+)?\/?(\?.*)?$/, "SMTP_URL must be an smtp:// or smtps:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** The From address of notices. */
    SMTP_FROM: z.string().min(3).default("ReCard Card Co. <notices@recard.test>"),
    /** The portal's public address, for links in e-mail (invitations). */
    RECARD_PUBLIC_URL: z.string().url().optional(),
    /** How long a desk keeps a presented card without sending it an APDU before the lease ends (docs/provider.md). */
    RECARD_CARD_LEASE_IDLE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  })
  .superRefine((e, ctx) => {
    const problems = unsafeDefaults(e);
    if (problems.length > 0) ctx.addIssue({ code: "custom", path: ["RECARD_DEMO"], message: unsafeDefaultsMessage(problems) });
  });

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** The validated environment; throws naming every invalid variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}
