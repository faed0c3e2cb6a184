/**
 * The what-if comparison as one static HTML page for the extension's webview: the side-by-side
 * table (with the fragmentation footnote), the peak-memory curves, and each variant's page map at
 * the chosen statement, side by side. No scripts: the page is HTML and inline SVG only, under
 * `default-src 'none'` with one nonce'd `<style>`; every piece of data is escaped.
 */
import { esc } from './svg/xml';
import { FRAGMENTATION_NOTE, whatIfRows, type VariantResult } from './whatif';

export interface WhatIfPage {
  readonly fileName: string;
  readonly results: readonly VariantResult[];
  /** whatIfSvg(...) */
  readonly curvesSvg: string;
  readonly pageMaps: readonly { readonly label: string; readonly svg: string }[];
  /** "before line 12", "at the end". */
  readonly where: string;
  /** For `style-src 'nonce-…'`; base64 or hex from a CSPRNG. */
  readonly nonce: string;
}

export function whatIfHtml(p: WhatIfPage): string {
  if (!/^[A-Za-z0-9+/=]{8,}$/.test(p.nonce)) throw new Error('whatIfHtml: the nonce must be at least 8 base64 characters');
  const { head, rows } = whatIfRows(p.results);
  const table = [
    '<table>',
    `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${p.nonce}'; img-src data:;">`,
    `<title>${esc(`What-ifs: ${p.fileName}`)}</title>`,
    `<style nonce="${p.nonce}">`,
    'body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground); padding: 0 16px 16px; }',
    'table { border-collapse: collapse; margin: 8px 0; }',
    'th, td { padding: 2px 10px; border-bottom: 1px solid var(--vscode-panel-border, #8884); text-align: right; white-space: nowrap; }',
    'th[scope="row"] { text-align: left; font-weight: normal; }',
    '.note { opacity: 0.8; font-size: 90%; }',
    '.figure svg { background: #fff; max-width: 100%; height: auto; }',
    '.maps { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }',
    '.maps figure { margin: 0; }',
    '.maps svg { background: #fff; max-width: 100%; height: auto; }',
    '</style>',
    '</head>',
    '<body>',
    `<h2>${esc(`What-ifs: ${p.fileName}`)}</h2>`,
    table,
    `<p class="note">* ${esc(FRAGMENTATION_NOTE)}</p>`,
    '<h3>Peak memory</h3>',
    `<div class="figure">${p.curvesSvg}</div>`,
    `<h3>${esc(`Page maps ${p.where}`)}</h3>`,
    '<div class="maps">',
    ...p.pageMaps.map((m) => `<figure>${m.svg}</figure>`),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
