/**
 * The stdio debug adapter: `node dist/adapter.js` speaks DAP on stdin/stdout. The same session
 * class runs inline in the extension host (src/extension/debug.ts).
 */
import { DebugSession } from '@vscode/debugadapter';
import { GoHeapSession } from './session';

DebugSession.run(GoHeapSession);
