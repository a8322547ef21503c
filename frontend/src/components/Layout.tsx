import { useEffect, useRef, useState } from "react";
import { pageTitle } from "../pageTitle";
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

  // Every route has its own title; after a route change (not the first load) the focus moves to
  // the page's heading, so keyboard and screen-reader users start at the new page, not at <body>.
  const firstRoute = useRef(true);
  useEffect(() => {
    document.title = pageTitle(location.pathname);
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1, main h2");
    if (!heading) return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }, [location.pathname]);

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
      <a className="skip-link" href="#main">
        Skip to content
      </a>
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
      <main className="main" id="main" tabIndex={-1}>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <Outlet />
      </main>
    </div>
  );
}
