// `ppl lsp`: the .ppl language server on stdin/stdout (Language Server Protocol), for any
// editor with an LSP client: diagnostics as you type, hover, go-to-definition, completion.
// Loaded only when asked for, so other commands do not pay for the protocol library.
import type { Command } from 'commander';
import { DESCRIPTIONS } from './descriptions.js';

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description(DESCRIPTIONS.lsp)
    .option('--stdio', 'talk over stdin/stdout (the only transport; accepted because editors pass it)')
    .action(async () => {
      const { startLanguageServer } = await import('../../api/node/language-server.js');
      startLanguageServer(process.stdin, process.stdout);
    });
}
