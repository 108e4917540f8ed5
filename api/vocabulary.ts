// The words of the language as its registries hold them (the lexer's keywords, domains, net
// heads, families and activations, built-in functions, distributions, site annotations): what
// an editor highlights and completes, so that it follows the language without a list of its own.
import { keywords } from '../lang/lexer.js';
import { ACTIVATIONS, ANNOTATIONS, DOMAINS, FUNCTIONS, HEAD_CONSTRAINTS, distributionNames } from '../lang/builtins.js';
import { NET_FAMILIES } from '../lang/nets/registry.js';

export interface LanguageVocabulary {
  /** Reserved words: `const`, `data`, `latent`, ..., `for`, `factor`. */
  keywords: string[];
  /** Domains of declarations (`real`, `int`, `simplex`, ...) and constraints of net heads. */
  domains: string[];
  /** Net families (`mlp`) and activations (`relu`, `tanh`, ...). */
  nets: string[];
  /** Built-in functions (`exp`, `sum`, `one_hot`, ...). */
  functions: string[];
  /** Distribution names (`Normal`, `Bernoulli`, ...). */
  distributions: string[];
  /** Site annotations without the `@` (`enumerate`, `score`, `baseline`, ...). */
  annotations: string[];
  /** Words with a meaning in one place: `auto` (an automatic guide, `z ~ auto`), `missing` (data with missing entries). */
  special: string[];
}

const unique = (xs: Iterable<string>): string[] => [...new Set(xs)];

export function languageVocabulary(): LanguageVocabulary {
  return {
    keywords: keywords.map((t) => t.name.replace(/^Kw_/, '')),
    domains: unique([...DOMAINS.keys(), ...HEAD_CONSTRAINTS.keys()]),
    nets: unique([...NET_FAMILIES.keys(), ...ACTIVATIONS.keys()]),
    functions: [...FUNCTIONS.keys()],
    distributions: distributionNames(),
    annotations: [...ANNOTATIONS.keys()],
    special: ['auto', 'missing'],
  };
}
