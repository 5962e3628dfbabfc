import { queryOptions } from "@tanstack/react-query";
import type { CompanyMessages } from "@/lib/server/data/messages";

/**
 * The page of the company's messages that `search` names (the messages page's `?kind=…&sort=…&after=…`),
 * refreshed every few seconds (a live view: STYLE.md, convention 10).
 */
export const messagesQuery = (search: string, initialData?: CompanyMessages) =>
  queryOptions({
    queryKey: ["messages", search],
    queryFn: async (): Promise<CompanyMessages> => {
      const response = await fetch(`/api/messages${search}`, { cache: "no-store" });
      if (!response.ok) throw new Error(`messages: HTTP ${response.status}`);
      return response.json();
    },
    initialData,
    refetchInterval: 3_000,
  });
