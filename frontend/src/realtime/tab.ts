/**
 * This tab's id: sent on the project socket and as `X-Fieldmark-Tab` on every write, so the
 * server skips the tab's own changes when it pushes them to everyone else.
 */
function newTabId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const TAB_ID: string = newTabId();
