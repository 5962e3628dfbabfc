import { demoCardholder } from "@/prisma/seed/demo-data";

/** The name as stored ("佐藤 花") of the demo cardholder with this romaji handle (prisma/seed/demo-data.ts). */
export function nameOf(romaji: string): string {
  return demoCardholder(romaji).name;
}
