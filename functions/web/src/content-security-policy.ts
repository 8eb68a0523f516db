/**
 * The page's Content-Security-Policy. Scripts and styles come only from the page's own origin
 * (no inline script or style, no eval); it talks only to its own origin, where Kong (or
 * npm start) serves the API next to it. HTML from a model reply reaches the DOM only through
 * DOMPurify's Trusted Types policy, so any other HTML sink a bug might open is refused by the
 * browser. Nothing may frame the page.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types dompurify',
].join('; ');
