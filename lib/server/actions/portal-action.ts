import "server-only";
import { unstable_rethrow } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { authorize, getActor, type ActorOf, type AuthRefusal, type Role } from "../auth/session";

/**
 * The one way a server action is written (issue 11): every action of a portal goes through
 * `formAction`/`callAction` of its role (`issuerForm`, `providerCall`, … below), which
 *  1. authorises: the signed-in account must be of the portal's role, re-read from its row (fails closed);
 *  2. parses its input with one zod schema, whose messages are in the reader's language;
 *  3. runs the domain work with the actor and the parsed input;
 *  4. maps what went wrong: a refused authorisation or an invalid field to the form's state (field-level
 *     messages; the form keeps what was typed, `keepValues`), an unexpected error to a logged failure.
 * Auditing is the data layer's: each domain function writes its audit row in the transaction that does
 * the work, so a refused or failed action never leaves a half-written trail.
 *
 * Hand-written rather than next-safe-action: the forms keep React's own `useActionState` contract and
 * the state shapes they already have; the library would give every form a second result shape and hook.
 */

/** What a form action answers; each form extends it with its own fields. */
export type ActionState = { ok?: boolean; message?: string; fieldErrors?: Record<string, string[] | undefined> };

/** What a call action answers when it did not run. */
export type Denied = { ok: false; message: string };

type Schema = z.ZodType;
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export type FormSpec<R extends Role, S extends Schema | undefined, Args extends unknown[], State extends ActionState> = {
  /** A name for logs (`issuer.report-on-behalf`). */
  name: string;
  /** The form's fields, built per request so its messages are in the reader's language. */
  schema?: () => S | Promise<S>;
  /** What the schema parses; by default the form's entries (an empty field is left out). */
  input?: (formData: FormData) => unknown;
  run: (ctx: { actor: ActorOf<R>; input: Parsed<S>; formData: FormData }, ...args: Args) => Promise<State>;
};

export type CallSpec<R extends Role, A extends z.ZodTuple, Out> = {
  name: string;
  /** The arguments as a tuple schema: a call action's arguments come from the browser and are checked. */
  args: A;
  run: (actor: ActorOf<R>, ...args: z.output<A>) => Promise<Out>;
  /** Maps an expected error the domain throws to its refusal; anything else is logged and answered as a failure. */
  refusal?: (error: unknown) => Promise<string | null> | string | null;
};

/** The form's entries, one value per name (several for repeated names); empty text is left out. */
export function formEntries(formData: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const name of new Set(formData.keys())) {
    const values = formData.getAll(name).filter((v) => v !== "");
    if (values.length === 1) out[name] = values[0]!;
    else if (values.length > 1) out[name] = values;
  }
  return out;
}

/** The roles a portal's actions allow: one portal's role, or several (the company pages shared by issuer and providers). */
type Roles<R extends Role> = R | readonly R[];

async function authorizeRoles<R extends Role>(roles: Roles<R>): Promise<{ ok: true; actor: ActorOf<R> } | { ok: false; refusal: AuthRefusal }> {
  if (typeof roles === "string") return authorize(roles as R);
  const actor = await getActor();
  if (!actor) return { ok: false, refusal: { status: 401, code: "unauthenticated", message: "Sign in first." } };
  if (!(roles as readonly Role[]).includes(actor.role)) return { ok: false, refusal: { status: 403, code: "forbidden", message: "forbidden" } };
  return { ok: true, actor: actor as ActorOf<R> };
}

async function refusalMessage<R extends Role>(refusal: AuthRefusal, roles: Roles<R>): Promise<string> {
  const t = await getTranslations("common.refusal");
  if (refusal.code === "unauthenticated") return t("unauthenticated");
  return typeof roles === "string" ? t("forbidden", { role: roles }) : t("companies");
}

/** A form action of `role`'s portal: `(…bound args, previous state, form data) => state`. */
export function formAction<R extends Role>(role: Roles<R>) {
  return function define<S extends Schema | undefined, Args extends unknown[], State extends ActionState>(
    spec: FormSpec<R, S, Args, State>,
  ): (...params: [...Args, State, FormData]) => Promise<State> {
    return async (...params) => {
      const formData = params[params.length - 1] as FormData;
      const args = params.slice(0, -2) as Args;
      const auth = await authorizeRoles(role);
      if (!auth.ok) {
        console.warn(`[action] ${spec.name} refused: ${auth.refusal.code}`);
        return { message: await refusalMessage(auth.refusal, role) } as State;
      }
      let input: unknown = undefined;
      if (spec.schema) {
        const schema = await spec.schema();
        const parsed = schema!.safeParse((spec.input ?? formEntries)(formData));
        if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors } as State;
        input = parsed.data;
      }
      return spec.run({ actor: auth.actor, input: input as Parsed<S>, formData }, ...args);
    };
  };
}

/** A call action of `role`'s portal (the desk's steps, called from client code): checked arguments in, a result or a refusal out. */
export function callAction<R extends Role>(role: Roles<R>) {
  return function define<A extends z.ZodTuple, Out>(spec: CallSpec<R, A, Out>): (...args: z.input<A>) => Promise<Out | Denied> {
    return async (...args) => {
      const auth = await authorizeRoles(role);
      if (!auth.ok) {
        console.warn(`[action] ${spec.name} refused: ${auth.refusal.code}`);
        return { ok: false, message: await refusalMessage(auth.refusal, role) };
      }
      const parsed = spec.args.safeParse(args);
      if (!parsed.success) return { ok: false, message: (await getTranslations("common.refusal"))("invalid") };
      try {
        return await spec.run(auth.actor, ...(parsed.data as z.output<A>));
      } catch (error) {
        unstable_rethrow(error);
        const known = spec.refusal ? await spec.refusal(error) : null;
        if (known !== null) return { ok: false, message: known };
        console.error(`[action] ${spec.name} failed:`, error);
        return { ok: false, message: (await getTranslations("common.refusal"))("failed") };
      }
    };
  };
}

export const issuerForm = formAction("issuer");
export const providerForm = formAction("provider");
export const cardholderForm = formAction("cardholder");
export const providerCall = callAction("provider");
/** The message pages shared by the issuer and the providers (app/_actions/messages.ts): either company, never a cardholder. */
export const companyForm = formAction(["issuer", "provider"] as const);
export const companyCall = callAction(["issuer", "provider"] as const);
