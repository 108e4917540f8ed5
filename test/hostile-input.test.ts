// Hostile programs end in a located error (exit 1 on the command line), never an internal error,
// a stack overflow or a hang; how long each takes is reported by bench/hostile-input.ts.
import { describe, expect, it } from 'vitest';
import { checkModel } from '../api/index.js';
import { hostilePrograms } from '../bench/hostile-programs.js';

describe('hostile programs', () => {
  for (const p of hostilePrograms()) {
    it(`${p.name}: a located error`, () => {
      const r = checkModel(p.source, { file: 'h.ppl' });
      expect(r.ok).toBe(false);
      expect(r.text).toContain(`h.ppl:${p.at}: error:`);
      expect(r.text).toMatch(p.says);
      // Long lines and tokens are shortened: the message stays small whatever the input.
      expect(r.text.length).toBeLessThan(50 * 1000);
    });
  }
});

describe('source text details', () => {
  it('a byte-order mark is accepted', () => {
    expect(checkModel('\uFEFFdata x : real[2]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 1)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n').ok).toBe(true);
  });

  it('CR, LF and CRLF line ends: the same line numbers, and the quoted line is shown', () => {
    const lines = ['const A = 1', 'const B = A +'];
    for (const eol of ['\n', '\r\n', '\r']) {
      const r = checkModel(lines.join(eol) + eol, { file: 'e.ppl' });
      expect(r.text, JSON.stringify(eol)).toContain('e.ppl:2:14: error: unexpected end of file');
      expect(r.text).toContain('2 | const B = A +\n');
    }
  });

  it('columns count characters: an emoji before the error is one column, as an editor counts', () => {
    const r = checkModel('const A = 1 /* \u{1F600}\u{1F600} */ + q\n', { file: 'u.ppl' });
    expect(r.text).toContain("u.ppl:1:24: error: undefined name 'q'");
    expect(r.text).toContain('\n  | ' + ' '.repeat(23) + '^');
    // The span itself stays in UTF-16 code units, as the Language Server Protocol counts.
    expect(r.diagnostics.find((d) => d.code === 'undefined-name')!.span.column).toBe(26);
  });

  it('a long name is shortened in the message', () => {
    const name = `v${'x'.repeat(5000)}`;
    const r = checkModel(`const A = ${name}\n`, { file: 'n.ppl' });
    expect(r.text).toMatch(/undefined name 'vx{39}…\(5001 characters\)…x{12}'/);
    expect(r.text.length).toBeLessThan(2000);
  });
});
