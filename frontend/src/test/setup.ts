import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

// jsdom has no layout and no scrolling: the virtualised lists scroll the window, so scrollTo
// moves scrollY and fires the scroll event as a browser would.
window.scrollTo = ((options?: ScrollToOptions | number, y?: number) => {
  const top = typeof options === "number" ? (y ?? 0) : (options?.top ?? window.scrollY);
  Object.defineProperty(window, "scrollY", { value: top, configurable: true });
  Object.defineProperty(window, "pageYOffset", { value: top, configurable: true });
  window.dispatchEvent(new Event("scroll"));
}) as typeof window.scrollTo;
