// Statements and declarations the language does not have, as people write them in Stan, Pyro or
// Python, and what to write here instead. The parser asks when a syntax error falls on a
// statement or declaration that starts with one of these words; the answer replaces its
// generic "expected ... but found ..." message.

/** What to write instead of a statement (inside model or guide) that starts with `word`. */
const IN_BLOCK: ReadonlyMap<string, string> = new Map([
  ['if', "there is no 'if': a discrete choice is a latent summed out with @enumerate (a mixture), and a choice between values is where(c, a, b), e.g. where(x > 0, a, b)"],
  ['else', "there is no 'if'/'else': a discrete choice is a latent summed out with @enumerate (a mixture), and a choice between values is where(c, a, b), e.g. where(x > 0, a, b)"],
  ['while', "there are no 'while' loops: a loop runs over a fixed range, for t in 1:T { ... }"],
  ['target', "Stan's 'target += e' is written factor(e) here"],
  ['return', "a block returns nothing: its ~ statements define the distribution (and factor(e) adds a term)"],
  ['print', "there is no print: after training, ppl encode, ppl sample and the library's TrainedModel show values"],
  ['def', "there are no user functions: name a value with 'let NAME = ...', or declare a net"],
  ['function', "there are no user functions: name a value with 'let NAME = ...', or declare a net"],
  ['fn', "there are no user functions: name a value with 'let NAME = ...', or declare a net"],
  ['sample', "a sample statement is written NAME ~ Distribution(...), e.g. z ~ Normal(0, 1)"],
  ['pyro', "a sample statement is written NAME ~ Distribution(...), e.g. z ~ Normal(0, 1); data are observed by declaring them (data x : ...) and writing x ~ ..."],
  ['observe', "an observation is written NAME ~ Distribution(...) on a declared data variable, e.g. x ~ Normal(mu, 1)"],
  ['real', "declarations go at the top of the file, not in a block: data x : real[N], latent z : real[N] (one per data point), global w : real[N] (shared), param a : real[N]"],
  ['vector', "declarations go at the top of the file, not in a block: latent z : real[N] (Stan's vector[N] z)"],
  ['int', "declarations go at the top of the file, not in a block: data k : int(0, 9) or latent k : int(0, 9)"],
  ['var', "a value is named with 'let NAME = ...'"],
  ['const', "a const is declared at the top of the file, not in a block: const K = 3"],
]);

/** What to write instead of a top-level declaration that starts with `word`. */
const AT_TOP: ReadonlyMap<string, string> = new Map([
  ['parameters', "Stan's blocks are declarations here: data x : real[N], global w : real[K] (a latent shared by all points), latent z : real[K] (one per point), param a : real (a point estimate); then model { ... } and guide { ... }"],
  ['transformed', "there are no transformed blocks: compute values with 'let NAME = ...' inside model or guide"],
  ['generated', "there is no generated quantities block: after training, ppl sample and ppl encode draw from the model and the guide"],
  ['def', "there are no user functions: name a value with 'let NAME = ...' in a block, or declare a net"],
  ['function', "there are no user functions: name a value with 'let NAME = ...' in a block, or declare a net"],
  ['import', "a .ppl file is self-contained: there are no imports"],
  ['let', "'let' names a value inside model or guide; a constant at the top of the file is 'const NAME = ...'"],
  ['for', "loops run inside model or guide: model { for t in 1:T { ... } }"],
  ['factor', "factor(e) adds a term inside the model block: model { factor(e) }"],
]);

/** The hint for a statement (`inBlock`) or declaration starting with `word`, if it is a known mistake. */
export function teach(word: string, inBlock: boolean): string | undefined {
  return (inBlock ? IN_BLOCK : AT_TOP).get(word);
}
