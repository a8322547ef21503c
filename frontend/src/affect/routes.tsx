import "./affect.css";
import { Route } from "react-router";
import { AgreementPage } from "./pages/AgreementPage";
import { ProjectAgreementPage } from "./pages/ProjectAgreementPage";
import { SchemaEditorPage } from "./pages/SchemaEditorPage";
import { VideoListPage } from "./pages/VideoListPage";
import { VideoWorkspacePage } from "./pages/VideoWorkspacePage";

/** Affect screens, nested under `/projects/:slug` (ProjectLayout) in App.tsx. */
export const affectRoutes = (
  <>
    <Route path="videos" element={<VideoListPage />} />
    <Route path="videos/:id" element={<VideoWorkspacePage />} />
    <Route path="videos/:id/agreement" element={<AgreementPage />} />
    <Route path="agreement" element={<ProjectAgreementPage />} />
    <Route path="label-schema" element={<SchemaEditorPage />} />
  </>
);
