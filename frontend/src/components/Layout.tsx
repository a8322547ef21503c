import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useSession } from "../session";
import { ErrorBanner } from "./ErrorBanner";

/** Top navigation plus the main area every page renders into. */
export function Layout() {
  const { user, pendingInvitations, refreshInvitations, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);

  // Invitations can arrive at any time; re-count when the user moves between pages.
  useEffect(() => {
    if (user) refreshInvitations();
  }, [location.pathname, user, refreshInvitations]);

  const onLogout = async () => {
    try {
      await logout();
      navigate("/login");
    } catch (reason) {
      setError(reason);
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <nav className="topnav" aria-label="Main">
          <Link to="/" className="brand">
            Fieldmark
          </Link>
          {user && (
            <>
              <NavLink to="/" end>
                Projects
              </NavLink>
              <NavLink to="/invitations">
                Invitations
                {pendingInvitations > 0 && (
                  <span
                    className="badge"
                    data-testid="pending-invitation-count"
                    aria-label={`${pendingInvitations} pending`}
                  >
                    {pendingInvitations}
                  </span>
                )}
              </NavLink>
            </>
          )}
        </nav>
        {user && (
          <div className="topbar-user">
            <span className="username" data-testid="current-user">
              {user.username}
            </span>
            <button type="button" className="button-secondary" onClick={onLogout}>
              Log out
            </button>
          </div>
        )}
      </header>
      <main className="main">
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <Outlet />
      </main>
    </div>
  );
}
