import { useEffect, useState } from "react";
import { useLoad } from "../hooks/useLoad";
import { linguisticApi } from "./api";

export const SEARCH_DEBOUNCE_MS = 250;

/**
 * Search `dictionary/?q=` as the user types: one request once typing pauses for `delayMs`
 * (never one per keystroke); a new query goes back to page 1.
 */
export function useDictionarySearch(slug: string, delayMs = SEARCH_DEBOUNCE_MS) {
  const [query, setQuery] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(query.trim());
      setPage(1);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [query, delayMs]);
  const entries = useLoad(() => linguisticApi.dictionary(slug, q, page), [slug, q, page]);
  return { query, setQuery, page, setPage, entries };
}
