// Starts `ppl lsp` (the setting ppl.server.command, default `ppl` on PATH) as the language
// server of .ppl files. The server does all the work; this file only connects VS Code to it.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('ppl').get('server.command', 'ppl');
  // A path to main.js runs under the node that runs VS Code's extensions.
  const server = command.endsWith('.js')
    ? { command: process.execPath, args: [command, 'lsp'], transport: TransportKind.stdio, options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } } }
    : { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('ppl', 'ppl language server', server, { documentSelector: [{ language: 'ppl' }] });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
