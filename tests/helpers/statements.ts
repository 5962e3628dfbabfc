import { statementsSent } from "@/lib/server/db";

/** Runs `flow` and counts the statements it sent to the database (lib/server/db.ts statementsSent). */
export async function counted<T>(flow: () => Promise<T>): Promise<{ value: T; statements: number }> {
  const before = statementsSent();
  const value = await flow();
  return { value, statements: statementsSent() - before };
}
