// Loading data for a page: the value, the error, and a reload that keeps the old value on screen meanwhile
// (so a refresh never blanks the page or moves its layout).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Loaded<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload(): Promise<void>;
  set(value: T): void;
}

/** Runs `load` now and whenever `deps` change; the latest answer wins. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const ctl = new AbortController();
    setLoading(true);
    try {
      const value = await loader.current(ctl.signal);
      if (mine === generation.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (mine === generation.current) setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  // The caller names what the load depends on (`load` itself is a new closure every render).
  useEffect(() => {
    setData(undefined);
    void reload();
  }, deps);

  return { data, error, loading, reload, set: setData };
}

/** Calls `f` every `ms` while the page is visible. */
export function useInterval(f: () => void, ms: number): void {
  const fn = useRef(f);
  fn.current = f;
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible") fn.current();
    }, ms);
    return () => clearInterval(id);
  }, [ms]);
}
