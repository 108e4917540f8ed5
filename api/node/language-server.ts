// The .ppl language server (LSP over a pair of streams, `ppl lsp` on stdio): diagnostics as
// the user types, hover, go-to-definition and completion. The answers come from
// api/language-service.ts, which a browser editor can use as it is; this file only speaks the
// protocol, through vscode-languageserver.
import { CompletionItemKind, DiagnosticSeverity, MarkupKind, ProposedFeatures, TextDocumentSyncKind, createConnection, TextDocuments, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ModelDocument, type CompletionKind } from '../language-service.js';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  variable: CompletionItemKind.Variable,
  distribution: CompletionItemKind.Class,
  function: CompletionItemKind.Function,
  argument: CompletionItemKind.Property,
  annotation: CompletionItemKind.Event,
  domain: CompletionItemKind.TypeParameter,
  net: CompletionItemKind.Module,
  constant: CompletionItemKind.Constant,
};

/** The file name diagnostics give a document: its path for file: URIs, else the URI. */
function fileOf(uri: string): string {
  try {
    const u = new URL(uri);
    return u.protocol === 'file:' ? decodeURIComponent(u.pathname) : uri;
  } catch {
    return uri;
  }
}

/** Serves the language over `input`/`output` until the client says exit. */
export function startLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  const connection = createConnection(ProposedFeatures.all, input, output);
  const documents = new TextDocuments(TextDocument);
  // One analysis per version of a document.
  const analyses = new Map<string, { version: number; doc: ModelDocument }>();
  const analysis = (uri: string): ModelDocument | undefined => {
    const text = documents.get(uri);
    if (!text) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.version === text.version) return cached.doc;
    const doc = new ModelDocument(text.getText(), fileOf(uri));
    analyses.set(uri, { version: text.version, doc });
    return doc;
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: ['~', '@', '(', ',', ':', ' '] },
    },
    serverInfo: { name: 'ppl' },
  }));

  documents.onDidChangeContent(({ document }) => {
    const doc = analysis(document.uri);
    if (!doc) return;
    void connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: doc.editorDiagnostics().map((d) => ({
        range: d.range,
        severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: d.code,
        source: 'ppl',
        message: d.message,
      })),
    });
  });
  documents.onDidClose(({ document }) => {
    analyses.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const h = analysis(textDocument.uri)?.hover(position);
    return h ? { range: h.range, contents: { kind: MarkupKind.Markdown, value: h.markdown } } : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const range = analysis(textDocument.uri)?.definition(position);
    return range ? { uri: textDocument.uri, range } : null;
  });
  connection.onCompletion(({ textDocument, position }) =>
    (analysis(textDocument.uri)?.completions(position) ?? []).map((c) => ({
      label: c.label,
      kind: KIND[c.kind],
      detail: c.detail,
      documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
      insertText: c.insertText,
    })),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}
