// The VS Code extension folder (editors/vscode): its TextMate grammar highlights every keyword
// the lexer knows, and the manifest points at files that exist.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from '../api/index.js';

const DIR = path.resolve(import.meta.dirname, '..', 'editors', 'vscode');
const grammar = JSON.parse(fs.readFileSync(path.join(DIR, 'syntaxes', 'ppl.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  repository: Record<string, { match?: string; patterns?: { match?: string; begin?: string }[] }>;
};

describe('the .ppl TextMate grammar', () => {
  const keywordPattern = new RegExp(`^${grammar.repository['keywords']!.match!}$`);

  it("highlights every keyword of the lexer (for, in and factor among them) and no other word", () => {
    for (const k of KEYWORDS) expect(k).toMatch(keywordPattern);
    expect('markov').not.toMatch(keywordPattern);
    expect('models').not.toMatch(keywordPattern);
  });

  it('has patterns JavaScript can compile (the subset of Oniguruma it uses)', () => {
    for (const [name, rule] of Object.entries(grammar.repository)) {
      for (const p of [rule.match, ...(rule.patterns ?? []).flatMap((q) => [q.match, q.begin])]) {
        if (p !== undefined) expect(() => new RegExp(p), name).not.toThrow();
      }
    }
    const sample = new RegExp(grammar.repository['sample']!.match!);
    expect(sample.exec('  z ~ Normal(q.loc, q.scale)')?.[2]).toBe('Normal');
    const operators = (grammar.repository['operators']!.patterns ?? []).map((q) => new RegExp(`^(?:${q.match})$`));
    for (const op of ['<', '<=', '>', '>=', '==', '!=', '->', '+', '^']) expect(operators.some((r) => r.test(op)), op).toBe(true);
    const decl = new RegExp(grammar.repository['declaration']!.match!);
    expect(decl.exec('latent z : real[D]')?.slice(1)).toEqual(['latent', 'z', ':', 'real']);
  });

  it('is what the extension manifest contributes, with a language configuration and an entry that exist', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8')) as {
      main: string;
      contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { scopeName: string; path: string }[] };
    };
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'ppl', extensions: ['.ppl'] });
    expect(manifest.contributes.grammars[0]!.scopeName).toBe(grammar.scopeName);
    for (const f of [manifest.main, manifest.contributes.grammars[0]!.path, manifest.contributes.languages[0]!.configuration]) {
      expect(fs.existsSync(path.join(DIR, f)), f).toBe(true);
    }
  });
});
