import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { ApiError, api, ensureCsrf, onUnauthorized, type User } from "./api";

export interface Session {
  /** undefined while the first `/auth/me/` is in flight, null when logged out. */
  user: User | null | undefined;
  pendingInvitations: number;
  refreshInvitations: () => void;
  login: (username: string, password: string) => Promise<User>;
  register: (username: string, email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() used outside <SessionProvider>");
  return session;
}

/** Provide a ready-made session (unit tests, storybook-like harnesses). */
export const SessionContextProvider = SessionContext.Provider;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [pendingInvitations, setPendingInvitations] = useState(0);
  const [invitationsTick, setInvitationsTick] = useState(0);

  useEffect(() => onUnauthorized(() => setUser(null)), []);

  useEffect(() => {
    let cancelled = false;
    ensureCsrf()
      .catch(() => undefined)
      .then(() => api.auth.me())
      .then(
        (me) => !cancelled && setUser(me),
        (error: unknown) => {
          if (cancelled) return;
          if (!(error instanceof ApiError && error.status === 401)) console.error(error);
          setUser(null);
        },
      );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!user) {
      setPendingInvitations(0);
      return;
    }
    let cancelled = false;
    api.invitations.page().then(
      (page) => !cancelled && setPendingInvitations(page.count),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [user, invitationsTick]);

  const refreshInvitations = useCallback(() => setInvitationsTick((t) => t + 1), []);

  const login = useCallback(async (username: string, password: string) => {
    const me = await api.auth.login(username, password);
    setUser(me);
    return me;
  }, []);

  const register = useCallback(async (username: string, email: string, password: string) => {
    const me = await api.auth.register(username, email, password);
    setUser(me);
    return me;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      setUser(null);
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ user, pendingInvitations, refreshInvitations, login, register, logout }),
    [user, pendingInvitations, refreshInvitations, login, register, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Route guard: logged-out visitors (including after any 401) go to /login and come back after. */
export function RequireAuth() {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}
