// mlp(784 -> 400 -> 20, relu): dense layers over the last axis.
import { arrow, family, formatShape } from './family.js';
import type { Activation } from '../../runtime/activations.js';

export interface MlpNetSpec {
  layers: readonly number[];
  activation: Activation;
}

export const MLP = family<MlpNetSpec>({
  name: 'mlp',
  summary: 'dense layers over the last axis; without heads the last layer is linear',
  example: 'net encoder : mlp(784 -> 400, relu) -> { loc: 20, scale: 20 positive }',
  takesHeads: true,
  check(c) {
    let ok = true;
    const layers: number[] = [];
    c.decl.layers.forEach((l, i) => {
      const v = c.size(l, `a layer size of net ${c.name}`);
      if (v === undefined) ok = false;
      else layers.push(v);
      for (const o of c.options(i)) {
        c.error('unknown-layer-option', o, `an mlp layer takes no options, got '${o.name}' (options such as k4 s2 belong to conv2d and conv_transpose2d layers)`);
        ok = false;
      }
    });
    const minimum = c.decl.heads ? 1 : 2;
    if (c.decl.layers.length < minimum) {
      const message = c.decl.heads
        ? `net ${c.name} needs at least an input size, e.g. mlp(784 -> 400) -> { ... }`
        : `net ${c.name} needs at least an input and an output size, e.g. mlp(784 -> 10), got ${c.decl.layers.length} size${c.decl.layers.length === 1 ? '' : 's'}`;
      c.error('bad-net-layers', c.decl, message);
      ok = false;
    }
    const activation = c.activation();
    return ok && activation ? { layers, activation } : undefined;
  },
  trunkWidth: (s) => s.layers[s.layers.length - 1]!,
  call(s, input, net) {
    const size = s.layers[0]!;
    const last = input[input.length - 1];
    if (last !== size) {
      const got = last === undefined ? 'a scalar' : `${last} (shape ${formatShape(input)})`;
      return { ok: false, message: `net ${net} expects input of size ${size}, got ${got}` };
    }
    const lead = input.slice(0, -1);
    return { ok: true, output: [...lead, s.layers[s.layers.length - 1]!], headLead: lead };
  },
  parameterCount(s) {
    let n = 0;
    for (let i = 1; i < s.layers.length; i++) n += s.layers[i - 1]! * s.layers[i]! + s.layers[i]!;
    return n;
  },
  widths: (s) => s.layers.map((w, i) => ({ width: w, what: `layer ${i + 1}`, layer: i, units: true })),
  describe: (s) => `mlp(${arrow(s.layers)}, ${s.activation})`,
});
