import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import type { Project } from "../../api";
import type { ProjectContext } from "../../pages/ProjectLayout";

export const project: Project = {
  slug: "p",
  name: "P",
  description: "",
  object_languages: ["eng"],
  visibility: "private",
  created_at: "2026-01-01T00:00:00Z",
  my_role: "annotator",
  member_count: 1,
};

export const page = <T,>(
  results: T[],
  more: { next?: string | null; previous?: string | null; count?: number } = {},
) => ({
  count: more.count ?? results.length,
  next: more.next ?? null,
  previous: more.previous ?? null,
  results,
});

/** Render a page of project `p` at `url`, under a route `path` relative to `/projects/:slug`. */
export function renderPage(path: string, url: string, element: ReactElement, role: Project["my_role"] = "annotator") {
  const context: ProjectContext = {
    project: { ...project, my_role: role },
    reloadProject: () => {},
    setProject: () => {},
    membershipVersion: 0,
  };
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/projects/:slug" element={<Outlet context={context} />}>
          <Route path={path} element={element} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );
}
