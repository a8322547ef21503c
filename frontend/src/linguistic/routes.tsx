import { Route } from "react-router";
import { ConcordancePage } from "./pages/ConcordancePage";
import { DictionaryPage } from "./pages/DictionaryPage";
import { LexiconPage } from "./pages/LexiconPage";
import { TextEditorPage } from "./pages/TextEditorPage";
import { TextListPage } from "./pages/TextListPage";

/** Interlinear-text screens, nested under `/projects/:slug` (ProjectLayout) in App.tsx. */
export const linguisticRoutes = (
  <>
    <Route path="texts" element={<TextListPage />} />
    <Route path="texts/:id" element={<TextEditorPage />} />
    <Route path="concordance" element={<ConcordancePage />} />
    <Route path="lexicon" element={<LexiconPage />} />
    <Route path="dictionary" element={<DictionaryPage />} />
  </>
);
