/**
 * Arrow-key navigation and the roving tab stop of the IGT editor.
 *
 * Every control of an utterance that the keyboard should reach carries `data-nav="<line>:<word>:
 * <morpheme>"`: the line is the tier it sits on (see `LINES`), word and morpheme place it in its
 * column ("-" where they do not apply). The editor keeps exactly one of them in the Tab order
 * (`tabindex=0`), so Tab enters the editor once; the arrows move between them.
 */

/** The lines of an utterance, top to bottom. */
export const LINES = ["head", "word", "form", "gloss", "pos", "wpos", "add", "tr"] as const;
export type Line = (typeof LINES)[number];

export function navKey(line: Line, word?: number | null, morpheme?: number | null): string {
  return `${line}:${word ?? "-"}:${morpheme ?? "-"}`;
}

interface NavPlace {
  line: number;
  word: number;
  morpheme: number;
}

function placeOf(element: Element): NavPlace | null {
  const key = element.getAttribute("data-nav");
  if (!key) return null;
  const [line, word, morpheme] = key.split(":");
  const at = LINES.indexOf(line as Line);
  if (at === -1) return null;
  const num = (part: string | undefined) => (part === undefined || part === "-" ? -1 : Number(part));
  return { line: at, word: num(word), morpheme: num(morpheme) };
}

export type Direction = "left" | "right" | "up" | "down";

/**
 * Whether an arrow key should leave `element` rather than move the caret: always for a button;
 * for a text box when it is empty, wholly selected (as a cell is on arrival), or when the caret
 * sits at the end the arrow points to.
 */
export function atEdge(element: HTMLElement, direction: Direction): boolean {
  if (!(element instanceof HTMLInputElement)) return true;
  if (direction === "up" || direction === "down") return true;
  const { value, selectionStart: start, selectionEnd: end } = element;
  if (value === "" || start === null || end === null) return true;
  if (start === 0 && end === value.length) return true;
  if (start !== end) return false;
  return direction === "left" ? start === 0 : end === value.length;
}

function controls(scope: ParentNode): HTMLElement[] {
  return Array.from(scope.querySelectorAll<HTMLElement>("[data-nav]"));
}

/**
 * The control an arrow moves to inside one utterance, or null at its edge (the caller moves on
 * to the neighbouring utterance). Left and right follow reading order; up and down go to the
 * nearest line in that direction that has a control, in the same word and the nearest morpheme.
 */
export function neighbour(utterance: ParentNode, from: HTMLElement, direction: Direction): HTMLElement | null {
  const all = controls(utterance);
  const index = all.indexOf(from);
  if (index === -1) return null;
  if (direction === "left") return all[index - 1] ?? null;
  if (direction === "right") return all[index + 1] ?? null;
  const here = placeOf(from);
  if (!here) return null;
  const step = direction === "down" ? 1 : -1;
  const placed = all.map((element) => ({ element, place: placeOf(element) }));
  for (let line = here.line + step; line >= 0 && line < LINES.length; line += step) {
    const onLine = placed.filter((p) => p.place?.line === line);
    if (onLine.length === 0) continue;
    const wordless = onLine[0]?.place?.word === -1;
    if (wordless || here.word === -1) {
      // Into a line without word columns, or out of one: the first control of the line.
      return onLine[0]?.element ?? null;
    }
    const sameWord = onLine.filter((p) => p.place?.word === here.word);
    if (sameWord.length === 0) continue;
    const target = Math.max(here.morpheme, 0);
    let best = sameWord[0];
    for (const p of sameWord) {
      const distance = Math.abs(Math.max(p.place?.morpheme ?? 0, 0) - target);
      if (distance < Math.abs(Math.max(best?.place?.morpheme ?? 0, 0) - target)) best = p;
    }
    return best?.element ?? null;
  }
  return null;
}

/** The first (`down`/`right`) or last (`up`/`left`) control of an utterance. */
export function entryControl(utterance: ParentNode, direction: Direction): HTMLElement | null {
  const all = controls(utterance);
  return (direction === "left" || direction === "up" ? all[all.length - 1] : all[0]) ?? null;
}

/**
 * Keep exactly one control of the editor in the Tab order: `preferred` when it is rendered,
 * else the one already holding the stop, else the first gloss (else the first control) on
 * screen. Rows render with every control at `tabindex=-1`; only the DOM is changed here, so a
 * memoised row does not re-render when the stop moves.
 */
export function keepTabStop(grid: HTMLElement, preferred: HTMLElement | null): HTMLElement | null {
  const holding = Array.from(grid.querySelectorAll<HTMLElement>('[data-nav][tabindex="0"]'));
  let stop: HTMLElement | null = preferred && grid.contains(preferred) ? preferred : null;
  stop ??= holding[0] ?? grid.querySelector<HTMLElement>('[data-nav^="gloss:"]') ?? grid.querySelector<HTMLElement>("[data-nav]");
  for (const element of holding) if (element !== stop) element.tabIndex = -1;
  if (stop && stop.tabIndex !== 0) stop.tabIndex = 0;
  return stop;
}
