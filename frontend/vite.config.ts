import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const DJANGO = "127.0.0.1:8000";

// Django serves the built files from frontend/dist/ under /static/ and returns
// dist/index.html for every non-API path, so only the build needs the /static/ base.
export default defineConfig(({ command }) => ({
  base: command === "build" ? "/static/" : "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      "/api": { target: `http://${DJANGO}`, changeOrigin: false },
      "/ws": { target: `ws://${DJANGO}`, ws: true },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
}));
