// Parse Mermaid diagrams with Mermaid's own parser, offline, without a browser: jsdom
// provides the DOM that Mermaid's sanitiser (DOMPurify) needs at import time.
// Input on stdin: diagrams separated by a line "%% ---". Output: one line per diagram,
// "ok <diagramType>" or "error <first line of the message>"; exit 1 if any failed.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const diagrams = readFileSync(0, 'utf8').split(/^%% ---$/m);
let failed = false;
for (const text of diagrams) {
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${result.diagramType}`);
  } catch (error) {
    failed = true;
    console.log(`error ${String(error.message ?? error).split('\n')[0]}`);
  }
}
process.exit(failed ? 1 : 0);
