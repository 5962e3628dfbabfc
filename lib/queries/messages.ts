import { queryOptions } from "@tanstack/react-query";
import type { CompanyMessages } from "@/lib/server/data/messages";

/** The company's messages, refreshed every few seconds (a live view: STYLE.md, convention 10). */
export const messagesQuery = (initialData?: CompanyMessages) =>
  queryOptions({
    queryKey: ["messages"],
    queryFn: async (): Promise<CompanyMessages> => {
      const response = await fetch("/api/messages", { cache: "no-store" });
      if (!response.ok) throw new Error(`messages: HTTP ${response.status}`);
      return response.json();
    },
    initialData,
    refetchInterval: 3_000,
  });
