/**
 * The Heap View webview's entry (bundled by esbuild.mjs to dist/webview.js): acquires the VS Code
 * API, builds the App in #app and feeds it every message event. `window.goheapHeapView` exposes
 * the App to the Chromium tests and the bench (read-only use).
 */
import { App } from './app';
import type { VsCodeApi } from './messages';

declare function acquireVsCodeApi(): VsCodeApi;

declare global {
  interface Window {
    goheapHeapView?: App;
  }
}

function start(): void {
  const root = document.getElementById('app') ?? document.body;
  const app = new App(acquireVsCodeApi(), root);
  window.addEventListener('message', (e: MessageEvent) => app.receive(e.data));
  window.goheapHeapView = app;
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
