import { Route, Routes } from "react-router";
import { affectRoutes } from "./affect/routes";
import { Layout } from "./components/Layout";
import { linguisticRoutes } from "./linguistic/routes";
import { modelRoutes } from "./models/routes";
import { AuditPage } from "./pages/AuditPage";
import { InvitationsPage } from "./pages/InvitationsPage";
import { LoginPage } from "./pages/LoginPage";
import { MembersPage } from "./pages/MembersPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProjectLayout } from "./pages/ProjectLayout";
import { ProjectOverviewPage } from "./pages/ProjectOverviewPage";
import { ProjectsPage } from "./pages/ProjectsPage";
import { RegisterPage } from "./pages/RegisterPage";
import { RequireAuth } from "./session";

/** All routes; later screens (IGT editor, lexicon, video, agreement) nest under ProjectLayout. */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route element={<RequireAuth />}>
          <Route index element={<ProjectsPage />} />
          <Route path="/invitations" element={<InvitationsPage />} />
          <Route path="/projects/:slug" element={<ProjectLayout />}>
            <Route index element={<ProjectOverviewPage />} />
            <Route path="members" element={<MembersPage />} />
            <Route path="audit" element={<AuditPage />} />
            {affectRoutes}
            {linguisticRoutes}
            {modelRoutes}
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
