/**
 * The document title of each route, so every page is named in the tab, the history and to a
 * screen reader ("Lexicon · lezgi · Fieldmark"), without waiting for the page's data.
 */
const SECTIONS: Record<string, string> = {
  texts: "Texts",
  concordance: "Concordance",
  lexicon: "Lexicon",
  dictionary: "Dictionary",
  videos: "Videos",
  agreement: "Agreement",
  members: "Members",
  audit: "Audit log",
  models: "Models",
  sparql: "SPARQL query",
  query: "SPARQL query",
  "label-schema": "Label schema",
};

const APP = "Fieldmark";

export function pageTitle(pathname: string): string {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return `Projects · ${APP}`;
  if (parts[0] === "login") return `Log in · ${APP}`;
  if (parts[0] === "register") return `Register · ${APP}`;
  if (parts[0] === "invitations") return `Invitations · ${APP}`;
  if (parts[0] !== "projects" || !parts[1]) return `Not found · ${APP}`;
  const slug = parts[1];
  const [section, id, sub] = parts.slice(2);
  if (!section) return `${slug} · ${APP}`;
  let name = SECTIONS[section] ?? section;
  if (section === "texts" && id) name = "Text editor";
  if (section === "videos" && id) name = sub === "agreement" ? "Video agreement" : "Video workspace";
  return `${name} · ${slug} · ${APP}`;
}
