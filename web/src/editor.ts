// The model editor: CodeMirror 6 with `.ppl` highlighting and the checker's diagnostics as the
// user types (underlined at their spans, the message on hover and in the lint panel).
import { basicSetup, EditorView } from 'codemirror';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { checkModel, type ModelCheck } from 'ppl-vi/engine';
import { pplLanguage } from './ppl-language.js';

export interface ModelEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
}

/** Diagnostics of the checker as CodeMirror's: spans clamped to the document. */
function asLint(check: ModelCheck, length: number): Diagnostic[] {
  return check.diagnostics.map((d) => {
    const from = Math.min(Math.max(d.span.offset, 0), length);
    const to = Math.min(Math.max(from + Math.max(d.span.length, 1), from), length);
    return { from, to: to === from && from < length ? from + 1 : to, severity: d.severity === 'error' ? 'error' : 'warning', message: d.message, source: `${d.code} (line ${d.span.line}, column ${d.span.column})` };
  });
}

export function createEditor(parent: HTMLElement, initial: string, file: () => string, onCheck: (text: string, check: ModelCheck) => void): ModelEditor {
  const checker = linter(
    (view) => {
      const text = view.state.doc.toString();
      let check: ModelCheck;
      try {
        check = checkModel(text, { file: file() });
      } catch (e) {
        // The checker reports problems as data; anything thrown is a bug worth showing.
        const message = e instanceof Error ? e.message : String(e);
        return [{ from: 0, to: Math.min(1, text.length), severity: 'error', message: `internal error in the checker: ${message}` }];
      }
      onCheck(text, check);
      return asLint(check, text.length);
    },
    { delay: 250 },
  );
  const view = new EditorView({
    doc: initial,
    extensions: [basicSetup, pplLanguage, checker, lintGutter(), EditorView.lineWrapping],
    parent,
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
  };
}
