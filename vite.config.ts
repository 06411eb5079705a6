import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './main/csp.js';

/** Writes the CSP into index.html from the same constant main/ sends as a header. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'companion-csp',
    transformIndexHtml: (html) =>
      html.replace(
        '<!--CSP-->',
        `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  // Loaded from the local disk, never the network: one bundle beats code-splitting here.
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 1500,
  },
});
