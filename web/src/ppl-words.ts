// The words the playground's highlighter knows, in one place: the engine's vocabulary, read from
// the language's own registries (lexer keywords, domains, net families and activations, built-in
// functions, distributions, annotations), so the page follows the language as it grows.
import { languageVocabulary } from 'ppl-vi/engine';

const v = languageVocabulary();

export const KEYWORDS: ReadonlySet<string> = new Set(v.keywords);
export const DOMAINS: ReadonlySet<string> = new Set(v.domains);
export const FUNCTIONS: ReadonlySet<string> = new Set([...v.functions, ...v.nets]);
export const DISTRIBUTIONS: ReadonlySet<string> = new Set(v.distributions);
export const ANNOTATIONS: ReadonlySet<string> = new Set(v.annotations);
export const SPECIAL: ReadonlySet<string> = new Set(v.special);
