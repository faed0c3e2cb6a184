/**
 * The Heap View's HTML page and content security policy, without vscode: the panel
 * (heapview.ts) fills it with webview URIs, the Chromium tests and the screenshot helper with
 * file URLs, so that what is tested is the page and the CSP that ship.
 *
 * Policy: nothing by default; scripts only by nonce (a fresh one per page); styles and images
 * only from the webview's resource origin (no inline styles, no inline script, no eval); no
 * connections (no network at all).
 */

export interface HeapViewPage {
  /** URI of dist/webview.js as the page can load it. */
  readonly scriptUri: string;
  /** URI of media/heapview.css. */
  readonly styleUri: string;
  /** `webview.cspSource` (or the origin the test page is served from). */
  readonly cspSource: string;
  readonly nonce: string;
}

export function heapViewCsp(p: Pick<HeapViewPage, 'cspSource' | 'nonce'>): string {
  return [`default-src 'none'`, `img-src ${p.cspSource} data:`, `style-src ${p.cspSource}`, `font-src ${p.cspSource}`, `script-src 'nonce-${p.nonce}'`, `connect-src 'none'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

/** A nonce: 32 characters from [A-Za-z0-9], from the given random bytes source. */
export function makeNonce(randomBytes: (n: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function heapViewHtml(p: HeapViewPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(heapViewCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>Heap View</title>
</head>
<body>
<div id="app" role="application" aria-label="Go Heap View"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
