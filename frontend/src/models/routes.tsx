import { Route } from "react-router";
import { ModelsPage } from "./ModelsPage";

/** The Models page, nested under `/projects/:slug` (ProjectLayout) in App.tsx. */
export const modelRoutes = <Route path="models" element={<ModelsPage />} />;
