/**
 * The renderer's Content-Security-Policy, sent as a header by the app:// protocol and as a <meta> tag in index.html.
 * No inline or remote script, no remote anything. Inline styles stay allowed because xterm.js injects <style> for its
 * theme; scripts are what an attacker needs, and those are locked to the app's own bundle.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
