// gru(F -> H): a GRU over a sequence [..., T, F], the hidden state of every step [..., T, H];
// `gru(F -> H last)` only the last step's [..., H]; `gru(F -> H1 -> H2)` stacks layers. Heads
// read every step's state (or the last).
import { arrow, family, formatShape } from './family.js';

export interface GruNetSpec {
  layers: readonly number[];
  last: boolean;
}

export const GRU = family<GruNetSpec>({
  name: 'gru',
  summary: 'a gated recurrent unit over a sequence [T, F]: the hidden state of every step [T, H], or of the last step [H] with `last` after the last size; stacked with more sizes; gates sigmoid, candidate tanh (PyTorch nn.GRU)',
  example: 'net rnn : gru(5 -> 32 last) -> { loc: 2, scale: 2 positive }',
  takesHeads: true,
  check(c) {
    const { decl } = c;
    let ok = true;
    if (decl.activation) {
      c.error('unknown-activation', decl.activation, `net ${c.name}: a gru takes no activation (its gates are sigmoid and its candidate state tanh)`);
      ok = false;
    }
    const layers: number[] = [];
    let last = false;
    decl.layers.forEach((l, i) => {
      const v = c.size(l, `a layer size of net ${c.name}`);
      if (v === undefined) ok = false;
      else layers.push(v);
      for (const o of c.options(i)) {
        if (o.name === 'last' && i === decl.layers.length - 1 && i > 0) last = true;
        else {
          const where = o.name === 'last' ? `; 'last' goes after the last hidden size, e.g. gru(5 -> 32 last)` : `; the only option is 'last' after the last hidden size (only the last step's state)`;
          c.error('unknown-layer-option', o, `unknown option '${o.name}' of net ${c.name}${where}`);
          ok = false;
        }
      }
    });
    if (decl.layers.length < 2) {
      c.error('bad-net-layers', decl, `net ${c.name} needs an input feature size and a hidden size, e.g. gru(5 -> 32)`);
      ok = false;
    }
    return ok ? { layers, last } : undefined;
  },
  trunkWidth: (s) => s.layers[s.layers.length - 1]!,
  call(s, input, net) {
    const f = s.layers[0]!;
    if (input.length < 2 || input[input.length - 1] !== f) {
      return { ok: false, message: `net ${net} reads a sequence of shape [T, ${f}] (steps, then ${f} features), got ${input.length === 0 ? 'a scalar' : `shape ${formatShape(input)}`}` };
    }
    const lead = s.last ? input.slice(0, -2) : input.slice(0, -1);
    return { ok: true, output: [...lead, s.layers[s.layers.length - 1]!], headLead: lead };
  },
  parameterCount(s) {
    let n = 0;
    for (let i = 1; i < s.layers.length; i++) n += 3 * s.layers[i]! * (s.layers[i - 1]! + s.layers[i]! + 2);
    return n;
  },
  // Per step; the limits multiply by no sequence length (the checker does not know T here).
  widths: (s) => s.layers.map((w, i) => ({ width: 3 * w, what: `the gates of layer ${i + 1}`, layer: i, units: false })),
  describe: (s) => `gru(${arrow(s.layers)}${s.last ? ' last' : ''})`,
});
