import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Load again, keeping the current data on screen until the new answer arrives. */
  reload: () => void;
  setData: (data: T) => void;
}

/**
 * Run `load` whenever `deps` change; answers that arrive after a newer request are dropped.
 * A loader may show a first part early through `partial` (a long list's first page) before it
 * resolves with the whole.
 */
export function useLoad<T>(load: (partial: (value: T) => void) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const call = ++latest.current;
    setLoading(true);
    const partial = (value: T) => {
      if (call === latest.current) setData(value);
    };
    load(partial).then(
      (value) => {
        if (call !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (call !== latest.current) return;
        setError(reason);
        setLoading(false);
      },
    );
    // `load` is a fresh closure on every render; `deps` say when it really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  useEffect(() => () => void (latest.current = -1), []);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}
