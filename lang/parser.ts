// Parser of the .ppl language: a chevrotain EmbeddedActionsParser that builds the AST of ast.ts
// directly, with its own error wording (see `messages`) and declaration-level error recovery
// (see parseProgram).
import { limitNesting } from './nesting.js';
import {
  EmbeddedActionsParser,
  EOF,
  NotAllInputParsedException,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type {
  Annotation,
  Arg,
  ArrayLit,
  Binary,
  BinaryOp,
  Decl,
  DistExpr,
  Expr,
  FactorStmt,
  ForStmt,
  IndexItem,
  LatentDecl,
  LetStmt,
  Named,
  NetDecl,
  NetHead,
  Program,
  SampleStmt,
  Span,
  Stmt,
  TypeExpr,
} from './ast.js';
import { error, joinSpans, type Diagnostic } from './diagnostics.js';
import * as T from './lexer.js';
import { teach } from './teach.js';

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------- error messages

const keywordTypes = new Set<TokenType>(T.keywords);
const declKeywordTypes = new Set<TokenType>(T.declKeywords);

const DECLARATION = 'a declaration (const, data, latent, global, param, net, model, guide)';
const STATEMENT = "a statement ('let', 'for', 'factor' or NAME ~ ...)";

/** How an expected token type reads in "expected X". */
function describeExpected(t: TokenType): string {
  if (t === T.Ident) return 'a name';
  if (t === T.NumberLit) return 'a number';
  return t.LABEL ?? t.name;
}

/** How an actual token reads in "but found X". */
function describeFound(t: IToken): string {
  if (t.tokenType === EOF) return 'end of file';
  if (keywordTypes.has(t.tokenType)) return `keyword '${t.image}'`;
  return `'${t.image}'`;
}

/** "expected X but found 'y'", or "unexpected end of file: expected X". */
function expectedButFound(expected: string, actual: IToken): string {
  if (actual.tokenType === EOF) return `unexpected end of file: expected ${expected}`;
  return `expected ${expected} but found ${describeFound(actual)}`;
}

// What a failed alternation in each rule was looking for (only rules with an OR that can fail).
const alternationWants: Record<string, string> = {
  unary: 'an expression',
  primary: 'an expression',
  index: "an index (an expression or a slice 'a:b')",
  callArgs: "an argument or ')'",
  stmt: STATEMENT,
  decl: DECLARATION,
};

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected === T.Ident && keywordTypes.has(actual.tokenType)) {
      return `expected a name but found keyword '${actual.image}' (keywords cannot be used as names)`;
    }
    if (actual.tokenType !== EOF) {
      if (expected === T.RBrace && ruleName === 'block') {
        if (actual.tokenType === T.Model || actual.tokenType === T.Guide) {
          return expectedButFound("'}' to close the block", actual);
        }
        return expectedButFound(`${STATEMENT} or '}'`, actual);
      }
      if (expected === T.RParen && ruleName === 'netHead') {
        return expectedButFound("',' or ')' after an argument of the head constraint", actual);
      }
      if (expected === T.Tilde && actual.tokenType === T.Equals) {
        return `${expectedButFound("'~'", actual)} (use 'let NAME = ...' to define a value)`;
      }
    }
    return expectedButFound(describeExpected(expected), actual);
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return expectedButFound(DECLARATION, firstRedundant);
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const first = actual[0];
    return first ? expectedButFound(alternationWants[ruleName] ?? 'something else', first) : 'syntax error';
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    const first = actual[0];
    return first ? expectedButFound(alternationWants[ruleName] ?? 'something else', first) : 'syntax error';
  },
};

// ---------------------------------------------------------------- spans

function tokSpan(t: IToken): Span {
  return T.tokenSpan(t);
}

function named(t: IToken): Named {
  return { name: t.image, span: tokSpan(t) };
}

function binary(op: BinaryOp, left: Expr, right: Expr): Binary {
  return { kind: 'binary', op, left, right, span: joinSpans(left.span, right.span) };
}

// ---------------------------------------------------------------- grammar

interface CallArgs {
  args: Arg[];
  close: IToken;
}

type Postfix = { kind: 'field'; field: Named } | { kind: 'index'; indices: IndexItem[]; close: IToken };

class PplParser extends EmbeddedActionsParser {
  /** Declarations completed by the current parse, kept even when a later one fails. */
  decls: Decl[] = [];

  constructor() {
    // Chevrotain's own recovery (token insertion/deletion, re-sync) is off: it invents tokens
    // without positions and reports follow-on errors; parseProgram recovers per declaration.
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 3, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  program = this.RULE('program', () => {
    this.MANY(() => {
      const d = this.SUBRULE(this.decl);
      this.OPTION(() => this.CONSUME(T.Semi));
      this.ACTION(() => this.decls.push(d));
    });
  });

  private decl = this.RULE('decl', (): Decl =>
    this.OR<Decl>([
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.dataDecl) },
      { ALT: () => this.SUBRULE(this.latentDecl) },
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.netDecl) },
      { ALT: () => this.SUBRULE(this.block) },
    ]),
  );

  private ident = this.RULE('ident', (): Named => {
    const t = this.CONSUME(T.Ident);
    return this.ACTION(() => named(t));
  });

  private constDecl = this.RULE('constDecl', (): Decl => {
    const kw = this.CONSUME(T.Const);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    return this.ACTION(() => ({ kind: 'const', name, value, span: joinSpans(tokSpan(kw), value.span) }));
  });

  private dataDecl = this.RULE('dataDecl', (): Decl => {
    const kw = this.CONSUME(T.Data);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeExpr);
    const modifier = this.OPTION(() => this.SUBRULE2(this.ident));
    return this.ACTION((): Decl => {
      const span = joinSpans(tokSpan(kw), (modifier ?? type).span);
      return modifier ? { kind: 'data', name, type, modifier, span } : { kind: 'data', name, type, span };
    });
  });

  private latentDecl = this.RULE('latentDecl', (): Decl => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Latent) }, { ALT: () => this.CONSUME(T.Global) }]);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeExpr);
    return this.ACTION((): LatentDecl => {
      const plate = kw.tokenType === T.Latent ? 'local' : 'global';
      return { kind: 'latent', plate, name, type, span: joinSpans(tokSpan(kw), type.span) };
    });
  });

  private paramDecl = this.RULE('paramDecl', (): Decl => {
    const kw = this.CONSUME(T.Param);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeExpr);
    const init = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return this.SUBRULE(this.expr);
    });
    return this.ACTION(() => {
      const span = joinSpans(tokSpan(kw), (init ?? type).span);
      return init ? { kind: 'param', name, type, init, span } : { kind: 'param', name, type, span };
    });
  });

  /** `IDENT ('(' exprs ')')? ('[' exprs ']')?` */
  private typeExpr = this.RULE('typeExpr', (): TypeExpr => {
    const domain = this.SUBRULE(this.ident);
    let domainArgs: Expr[] = [];
    let shape: Expr[] = [];
    let last: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      domainArgs = this.SUBRULE(this.exprList);
      last = this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.LBracket);
      shape = this.SUBRULE2(this.exprList);
      last = this.CONSUME(T.RBracket);
    });
    return this.ACTION(() => ({
      domain,
      domainArgs,
      shape,
      span: last ? joinSpans(domain.span, tokSpan(last)) : domain.span,
    }));
  });

  /** `expr (',' expr)*` (written out rather than AT_LEAST_ONE_SEP to get the "expected an expression" message). */
  private exprList = this.RULE('exprList', (): Expr[] => {
    const out: Expr[] = [];
    const first = this.SUBRULE(this.expr);
    this.ACTION(() => out.push(first));
    this.MANY(() => {
      this.CONSUME(T.Comma);
      const e = this.SUBRULE2(this.expr);
      this.ACTION(() => out.push(e));
    });
    return out;
  });

  private netDecl = this.RULE('netDecl', (): Decl => {
    const kw = this.CONSUME(T.Net);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Colon);
    const family = this.SUBRULE2(this.ident);
    this.CONSUME(T.LParen);
    const layers: Expr[] = [];
    const layerOptions: Named[][] = [];
    const first = this.SUBRULE(this.expr);
    const firstOptions = this.SUBRULE(this.layerOptions);
    this.ACTION(() => {
      layers.push(first);
      layerOptions.push(firstOptions);
    });
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      const e = this.SUBRULE2(this.expr);
      const o = this.SUBRULE2(this.layerOptions);
      this.ACTION(() => {
        layers.push(e);
        layerOptions.push(o);
      });
    });
    const activation = this.OPTION(() => {
      this.CONSUME(T.Comma);
      return this.SUBRULE3(this.ident);
    });
    let last = this.CONSUME(T.RParen);
    let heads: NetHead[] | undefined;
    this.OPTION2(() => {
      this.CONSUME2(T.Arrow);
      this.CONSUME(T.LBrace);
      const hs: NetHead[] = [];
      const h0 = this.SUBRULE(this.netHead);
      this.ACTION(() => hs.push(h0));
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        const h = this.SUBRULE2(this.netHead);
        this.ACTION(() => hs.push(h));
      });
      this.OPTION3(() => this.CONSUME3(T.Comma));
      last = this.CONSUME(T.RBrace);
      heads = hs;
    });
    return this.ACTION((): NetDecl => {
      const d: NetDecl = { kind: 'net', name, family, layers, span: joinSpans(tokSpan(kw), tokSpan(last)) };
      if (layerOptions.some((o) => o.length > 0)) d.layerOptions = layerOptions;
      if (activation) d.activation = activation;
      if (heads) d.heads = heads;
      return d;
    });
  });

  /** The words after a layer's size: `k4 s2 valid` (a convolution's kernel, stride, padding), `last`. */
  private layerOptions = this.RULE('layerOptions', (): Named[] => {
    const out: Named[] = [];
    this.MANY(() => {
      const o = this.SUBRULE(this.ident);
      this.ACTION(() => out.push(o));
    });
    return out;
  });

  /** `loc: D`, `scale: D positive` or `rate: D interval(lo, hi)` */
  private netHead = this.RULE('netHead', (): NetHead => {
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Colon);
    const size = this.SUBRULE(this.expr);
    let constraint: Named | undefined;
    let constraintArgs: Expr[] | undefined;
    let close: IToken | undefined;
    this.OPTION(() => {
      constraint = this.SUBRULE2(this.ident);
      this.OPTION2(() => {
        this.CONSUME(T.LParen);
        constraintArgs = this.SUBRULE(this.exprList);
        close = this.CONSUME(T.RParen);
      });
    });
    return this.ACTION((): NetHead => {
      const span = joinSpans(name.span, close ? tokSpan(close) : (constraint ?? size).span);
      const head: NetHead = { name, size, span };
      if (constraint) head.constraint = constraint;
      if (constraintArgs) head.constraintArgs = constraintArgs;
      return head;
    });
  });

  /** `model { ... }` or `guide { ... }` (one rule, so that errors in both read the same). */
  private block = this.RULE('block', (): Decl => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Model) }, { ALT: () => this.CONSUME(T.Guide) }]);
    this.CONSUME(T.LBrace);
    const body = this.SUBRULE(this.stmts);
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => {
      const span = joinSpans(tokSpan(kw), tokSpan(close));
      return kw.tokenType === T.Model ? { kind: 'model', body, span } : { kind: 'guide', body, span };
    });
  });

  /** Statements up to a closing `}` (of a block or a loop). */
  private stmts = this.RULE('stmts', (): Stmt[] => {
    const body: Stmt[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.stmt);
      this.OPTION(() => this.CONSUME(T.Semi));
      this.ACTION(() => body.push(s));
    });
    return body;
  });

  private stmt = this.RULE('stmt', (): Stmt =>
    this.OR<Stmt>([
      { ALT: () => this.SUBRULE(this.letStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.factorStmt) },
      { ALT: () => this.SUBRULE(this.sampleStmt) },
    ]),
  );

  /** `for t in 1:T { ... }` */
  private forStmt = this.RULE('forStmt', (): ForStmt => {
    const kw = this.CONSUME(T.For);
    const variable = this.SUBRULE(this.ident);
    this.CONSUME(T.In);
    const from = this.SUBRULE(this.expr);
    this.CONSUME(T.Colon);
    const to = this.SUBRULE2(this.expr);
    this.CONSUME(T.LBrace);
    const body = this.SUBRULE(this.stmts);
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'for', variable, from, to, body, span: joinSpans(tokSpan(kw), tokSpan(close)) }));
  });

  /** `factor(expr)`, optionally annotated (`@scale(beta)`). */
  private factorStmt = this.RULE('factorStmt', (): FactorStmt => {
    const kw = this.CONSUME(T.Factor);
    this.CONSUME(T.LParen);
    const value = this.SUBRULE(this.expr);
    const close = this.CONSUME(T.RParen);
    const annotations: Annotation[] = [];
    this.MANY(() => {
      const a = this.SUBRULE(this.annotation);
      this.ACTION(() => annotations.push(a));
    });
    return this.ACTION(() => {
      const end = annotations.length > 0 ? annotations[annotations.length - 1]!.span : tokSpan(close);
      return { kind: 'factor', value, annotations, span: joinSpans(tokSpan(kw), end) };
    });
  });

  private letStmt = this.RULE('letStmt', (): LetStmt => {
    const kw = this.CONSUME(T.Let);
    const name = this.SUBRULE(this.ident);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    return this.ACTION(() => ({ kind: 'let', name, value, span: joinSpans(tokSpan(kw), value.span) }));
  });

  private sampleStmt = this.RULE('sampleStmt', (): SampleStmt => {
    const target = this.SUBRULE(this.ident);
    const index = this.OPTION(() => {
      this.CONSUME(T.LBracket);
      const i = this.SUBRULE(this.expr);
      this.CONSUME(T.RBracket);
      return i;
    });
    this.CONSUME(T.Tilde);
    const dist = this.SUBRULE(this.dist);
    const annotations: Annotation[] = [];
    this.MANY(() => {
      const a = this.SUBRULE(this.annotation);
      this.ACTION(() => annotations.push(a));
    });
    return this.ACTION(() => {
      const end = annotations.length > 0 ? annotations[annotations.length - 1]!.span : dist.span;
      const span = joinSpans(target.span, end);
      return index ? { kind: 'sample', target, index, dist, annotations, span } : { kind: 'sample', target, dist, annotations, span };
    });
  });

  /** `Normal(0, 1)`, or `auto` bare or with options (`auto(fullrank)`; then `args` is undefined). */
  private dist = this.RULE('dist', (): DistExpr => {
    const name = this.SUBRULE(this.ident);
    const call = this.OPTION(() => this.SUBRULE(this.callArgs));
    return this.ACTION(() =>
      !call
        ? { name, span: name.span }
        : name.name === 'auto'
          ? { name, autoOptions: call.args, span: joinSpans(name.span, tokSpan(call.close)) }
          : { name, args: call.args, span: joinSpans(name.span, tokSpan(call.close)) },
    );
  });

  private annotation = this.RULE('annotation', (): Annotation => {
    const at = this.CONSUME(T.At);
    const name = this.SUBRULE(this.ident);
    const call = this.OPTION(() => this.SUBRULE(this.callArgs));
    return this.ACTION(() => ({
      name,
      args: call?.args ?? [],
      span: joinSpans(tokSpan(at), call ? tokSpan(call.close) : name.span),
    }));
  });

  /** `'(' (arg (',' arg)*)? ')'` */
  private callArgs = this.RULE('callArgs', (): CallArgs => {
    this.CONSUME(T.LParen);
    const args: Arg[] = [];
    const close = this.OR([
      { ALT: () => this.CONSUME(T.RParen) },
      {
        ALT: () => {
          const a0 = this.SUBRULE(this.arg);
          this.ACTION(() => args.push(a0));
          this.MANY(() => {
            this.CONSUME(T.Comma);
            const a = this.SUBRULE2(this.arg);
            this.ACTION(() => args.push(a));
          });
          return this.CONSUME2(T.RParen);
        },
      },
    ]);
    return { args, close };
  });

  private arg = this.RULE('arg', (): Arg => {
    const name = this.OPTION(() => {
      const n = this.SUBRULE(this.ident);
      this.CONSUME(T.Equals);
      return n;
    });
    const value = this.SUBRULE(this.expr);
    return this.ACTION(() =>
      name ? { name, value, span: joinSpans(name.span, value.span) } : { value, span: value.span },
    );
  });

  // ------------------------------------------------------------ expressions

  /** `sum (compare sum)*`: comparisons bind loosest; a chain `a < b < c` is parsed, and the checker rejects it. */
  private expr = this.RULE('expr', (): Expr => {
    let left = this.SUBRULE(this.sum);
    this.MANY(() => {
      const op = this.OR(T.comparisonTokens.map((t) => ({ ALT: () => this.CONSUME(t) })));
      const right = this.SUBRULE2(this.sum);
      this.ACTION(() => {
        left = binary(op.image as BinaryOp, left, right);
      });
    });
    return left;
  });

  private sum = this.RULE('sum', (): Expr => {
    let left = this.SUBRULE(this.mult);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.mult);
      this.ACTION(() => {
        left = binary(op.image as BinaryOp, left, right);
      });
    });
    return left;
  });

  private mult = this.RULE('mult', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      this.ACTION(() => {
        left = binary(op.image as BinaryOp, left, right);
      });
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expr =>
    this.OR<Expr>([
      {
        ALT: () => {
          const minus = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => ({ kind: 'unary', op: '-', operand, span: joinSpans(tokSpan(minus), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]),
  );

  /** `postfix ('^' unary)?`: right-associative, and binds tighter than a leading minus. */
  private power = this.RULE('power', (): Expr => {
    const base = this.SUBRULE(this.postfix);
    const exponent = this.OPTION(() => {
      this.CONSUME(T.Caret);
      return this.SUBRULE(this.unary);
    });
    return this.ACTION(() => (exponent ? binary('^', base, exponent) : base));
  });

  private postfix = this.RULE('postfix', (): Expr => {
    let object = this.SUBRULE(this.primary);
    this.MANY(() => {
      const p = this.OR<Postfix>([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const field = this.SUBRULE(this.ident);
            return { kind: 'field', field };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const indices: IndexItem[] = [];
            const i0 = this.SUBRULE(this.index);
            this.ACTION(() => indices.push(i0));
            this.MANY2(() => {
              this.CONSUME(T.Comma);
              const i = this.SUBRULE2(this.index);
              this.ACTION(() => indices.push(i));
            });
            const close = this.CONSUME(T.RBracket);
            return { kind: 'index', indices, close };
          },
        },
      ]);
      this.ACTION(() => {
        object =
          p.kind === 'field'
            ? { kind: 'field', object, field: p.field, span: joinSpans(object.span, p.field.span) }
            : { kind: 'index', object, indices: p.indices, span: joinSpans(object.span, tokSpan(p.close)) };
      });
    });
    return object;
  });

  private primary = this.RULE('primary', (): Expr =>
    this.OR<Expr>([
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberLit);
          return this.ACTION(() => ({ kind: 'num', value: Number(t.image), span: tokSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Ident);
          const call = this.OPTION(() => this.SUBRULE(this.callArgs));
          return this.ACTION((): Expr =>
            call
              ? { kind: 'call', callee: named(t), args: call.args, span: joinSpans(tokSpan(t), tokSpan(call.close)) }
              : { kind: 'ident', name: t.image, span: tokSpan(t) },
          );
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const elements = this.SUBRULE(this.exprList);
          const close = this.CONSUME(T.RBracket);
          return this.ACTION((): ArrayLit => ({ kind: 'array', elements, span: joinSpans(tokSpan(open), tokSpan(close)) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expr);
          const close = this.CONSUME(T.RParen);
          // A parenthesised expression keeps its node but its span grows to cover the
          // parentheses, so that `(a + b) * c` spans from `(` and never starts mid-token.
          return this.ACTION(() => ({ ...inner, span: joinSpans(tokSpan(open), tokSpan(close)) }));
        },
      },
    ]),
  );

  /** `expr`, or a slice `expr? ':' expr?` */
  private index = this.RULE('index', (): IndexItem =>
    this.OR<IndexItem>([
      {
        ALT: () => {
          const colon = this.CONSUME(T.Colon);
          const end = this.OPTION(() => this.SUBRULE(this.expr));
          return this.ACTION((): IndexItem => {
            const span = end ? joinSpans(tokSpan(colon), end.span) : tokSpan(colon);
            return end ? { kind: 'slice', end, span } : { kind: 'slice', span };
          });
        },
      },
      {
        ALT: () => {
          const start = this.SUBRULE2(this.expr);
          const slice = this.OPTION2(() => {
            const colon = this.CONSUME2(T.Colon);
            const end = this.OPTION3(() => this.SUBRULE3(this.expr));
            return { colon, end };
          });
          return this.ACTION((): IndexItem => {
            if (!slice) return { kind: 'at', value: start, span: start.span };
            const span = joinSpans(start.span, slice.end ? slice.end.span : tokSpan(slice.colon));
            return slice.end ? { kind: 'slice', start, end: slice.end, span } : { kind: 'slice', start, span };
          });
        },
      },
    ]),
  );
}

// Building the parser runs chevrotain's grammar analysis (milliseconds); do it once, lazily.
let parser: PplParser | undefined;

function getParser(): PplParser {
  parser ??= new PplParser();
  return parser;
}

// ---------------------------------------------------------------- recovery

function isLineStart(tokens: readonly IToken[], i: number): boolean {
  if (i === 0) return true;
  const prev = tokens[i - 1]!;
  const tok = tokens[i]!;
  return (prev.endLine ?? 0) < (tok.startLine ?? 0) || prev.tokenType === T.Semi || prev.tokenType === T.RBrace;
}

/**
 * Where parsing resumes after an error: a declaration keyword that starts a line (or follows
 * `;` or `}`), from `from` on. Keywords in mid-line (`data model : real`) are not trusted:
 * resuming there would report a second, invented error.
 */
function resumePoint(tokens: readonly IToken[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    if (declKeywordTypes.has(tokens[i]!.tokenType) && isLineStart(tokens, i)) return i;
  }
  return tokens.length;
}

function braceDepth(tokens: readonly IToken[], from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!.tokenType;
    if (t === T.LBrace) depth++;
    else if (t === T.RBrace) depth = Math.max(0, depth - 1);
  }
  return depth;
}

function previousEnd(tokens: readonly IToken[], i: number): number {
  const prev = tokens[i - 1];
  return prev ? prev.startOffset + prev.image.length : 0;
}

/** The last index in [from, to) whose token has one of `types` (`from` if none). */
function lastIndexOf(tokens: readonly IToken[], types: ReadonlySet<TokenType>, from: number, to: number): number {
  for (let i = Math.min(to, tokens.length) - 1; i > from; i--) if (types.has(tokens[i]!.tokenType)) return i;
  return from;
}

/**
 * The index just after the `}` that closes `depth` open braces, scanning from `from`; or of a
 * `model`/`guide` that starts a line first (the block's `}` was forgotten after all).
 */
function skipRestOfBlock(tokens: readonly IToken[], from: number, depth: number): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!.tokenType;
    if ((t === T.Model || t === T.Guide) && isLineStart(tokens, i)) return i;
    if (t === T.LBrace) depth++;
    else if (t === T.RBrace && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/**
 * A teaching message for a syntax error at token `at`, when the statement or declaration it is
 * in starts with a word the language does not have (`if`, `target +=`, Stan's blocks...), or
 * is a Stan-style `for (t in ...)`.
 */
function teachAt(tokens: readonly IToken[], from: number, at: number): { at: number; message: string } | undefined {
  if (at < from || at >= tokens.length) return undefined;
  let j = at;
  const separators = new Set<TokenType>([T.LBrace, T.RBrace, T.Semi]);
  while (j > from && (tokens[j - 1]!.endLine ?? 0) === (tokens[j]!.startLine ?? 0) && !separators.has(tokens[j - 1]!.tokenType)) j--;
  const first = tokens[j]!;
  const inBlock = braceDepth(tokens, from, j) > 0;
  if (first.tokenType === T.For && inBlock && tokens[j + 1]?.tokenType === T.LParen) {
    return { at: j + 1, message: "a loop is written without parentheses: for t in 1:T { ... } (t runs from 1 up to T - 1)" };
  }
  const message = teach(first.image, inBlock);
  return message ? { at: j, message } : undefined;
}

/** Just past the last token (chevrotain's EOF token has no position). */
function endOfFileSpan(tokens: readonly IToken[]): Span {
  const last = tokens[tokens.length - 1];
  if (!last) return { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 };
  const line = last.endLine ?? 1;
  const column = (last.endColumn ?? 0) + 1;
  return { line, column, endLine: line, endColumn: column, offset: last.startOffset + last.image.length, length: 0 };
}

/**
 * Parses a whole file. Never throws: syntax errors become diagnostics (code 'syntax'; bad
 * characters and unterminated comments 'lex'), and `program.decls` holds every declaration
 * that parsed completely. After an error, parsing resumes at the next declaration keyword
 * that starts a line, so errors in separate declarations are all reported, but at most one
 * per declaration. A syntax error whose stretch of source contains a lex error is dropped as
 * its consequence.
 */
export function parseProgram(file: string, source: string): ParseResult {
  const lexed = T.tokenize(source);
  const tokens = lexed.tokens;
  const lexOffsets = lexed.diagnostics.map((d) => d.span.offset);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const decls: Decl[] = [];
  const p = getParser();

  let start = 0;
  // Braces left open by a block abandoned at an error when parsing resumed inside it (at a
  // declaration written inside the block). The block's remaining statements and its `}` then
  // come up as stray tokens at top level; they are skipped silently, not reported again.
  let unclosed = 0;

  while (start < tokens.length) {
    p.decls = [];
    p.input = tokens.slice(start);
    let overflow = false;
    try {
      p.program();
    } catch (e) {
      // Only the call stack can run out (thousands of nested parentheses); chevrotain turns
      // every syntax error into p.errors.
      if (!(e instanceof RangeError)) throw e;
      overflow = true;
    }
    decls.push(...p.decls);
    if (overflow) {
      const done = p.decls[p.decls.length - 1];
      const doneEnd = done ? done.span.offset + done.span.length : -1;
      let failed = start;
      while (failed < tokens.length - 1 && (tokens[failed]!.startOffset < doneEnd || tokens[failed]!.tokenType === T.Semi)) failed++;
      diagnostics.push(error('syntax', tokSpan(tokens[failed]!), 'this declaration is nested too deeply to parse'));
      start = Math.max(resumePoint(tokens, failed + 1), start + 1);
      unclosed = 0;
      continue;
    }
    const err: IRecognitionException | undefined = p.errors[0];
    if (!err) break;

    const atEof = err.token.tokenType === EOF;
    const errIdx = atEof ? tokens.length : tokens.indexOf(err.token, start);
    if (errIdx < 0) break; // cannot happen: the token comes from our own input
    const stray = err instanceof NotAllInputParsedException;

    if (stray && unclosed > 0) {
      start = skipRestOfBlock(tokens, errIdx, unclosed);
      unclosed = 0;
      continue;
    }

    const hint = teachAt(tokens, start, atEof ? tokens.length - 1 : errIdx);
    const span = hint ? tokSpan(tokens[hint.at]!) : atEof ? endOfFileSpan(tokens) : tokSpan(err.token);
    // The stretch of source blamed for the error: the failed declaration up to the offending
    // token, or for a stray token the gap before it. A lex error there (a dropped `#`) is the
    // likely cause, and already reported.
    const blameFrom = stray ? previousEnd(tokens, errIdx) : tokens[lastIndexOf(tokens, declKeywordTypes, start, errIdx)]!.startOffset;
    const blameTo = atEof ? source.length : span.offset + span.length;
    if (!lexOffsets.some((o) => o >= blameFrom && o < blameTo)) diagnostics.push(error('syntax', span, hint?.message ?? err.message));
    if (atEof) break;

    const resume = declKeywordTypes.has(err.token.tokenType) && isLineStart(tokens, errIdx) ? errIdx : resumePoint(tokens, errIdx + 1);
    if (resume < tokens.length) {
      const kind = tokens[resume]!.tokenType;
      // Resuming at `model`/`guide` inside a block means its `}` was forgotten: nothing to skip.
      unclosed = kind === T.Model || kind === T.Guide ? 0 : unclosed + braceDepth(tokens, start, resume);
    }
    start = Math.max(resume, start + 1);
  }

  // Deep expressions would exhaust the recursive walks after parsing: refused here, located.
  const limited = limitNesting(decls);
  diagnostics.push(...limited.diagnostics);
  diagnostics.sort((a, b) => a.span.offset - b.span.offset);
  return { program: { file, source, decls: limited.decls }, diagnostics };
}
