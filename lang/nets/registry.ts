// The net families, one entry each (docs/language.md's table is rendered from this list).
// Adding one: its runtime module beside runtime/nets.ts, its entry file here, a line below, its
// builder in lang/compiler/net-builders.ts, `npm run docs`.
import type { AnyNetFamily } from './family.js';
import { MLP } from './mlp.js';
import { CONV2D, CONV_TRANSPOSE2D } from './conv.js';
import { GRU } from './gru.js';

export const NET_FAMILIES: ReadonlyMap<string, AnyNetFamily> = new Map([MLP, CONV2D, CONV_TRANSPOSE2D, GRU].map((f) => [f.name, f]));

export function netFamily(name: string): AnyNetFamily {
  const f = NET_FAMILIES.get(name);
  if (!f) throw new Error(`internal: unknown net family '${name}'`);
  return f;
}

/** A checked net as its family reads it: `mlp(784 -> 400, relu)`. */
export function describeNet(net: { family: string; spec: object }): string {
  return netFamily(net.family).describe(net.spec);
}
