// The words the playground's highlighter knows, in one place so that they can follow the
// language (lang/lexer.ts keywords, the domains of docs/language.md, the function registry) and
// the editor grammar. Distributions are not listed: any capitalised name is highlighted as one.

/** Reserved words of the lexer (lang/lexer.ts). */
export const KEYWORDS = ['const', 'data', 'latent', 'global', 'param', 'net', 'model', 'guide', 'let'] as const;

/** Domains and constraints of declarations and net heads. */
export const DOMAINS = ['real', 'positive', 'unit', 'binary', 'int', 'interval', 'simplex', 'count'] as const;

/** Net families and activations. */
export const NET_WORDS = ['mlp', 'linear'] as const;

/** Built-in functions (and activations of the same name). */
export const FUNCTIONS = ['exp', 'log', 'sqrt', 'softplus', 'sigmoid', 'tanh', 'relu', 'abs', 'sum', 'mean', 'matmul', 'one_hot', 'concat'] as const;

/** Words with a meaning in one place: `z ~ auto` (an automatic guide). */
export const SPECIAL = ['auto'] as const;
