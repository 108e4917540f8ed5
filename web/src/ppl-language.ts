// `.ppl` highlighting for CodeMirror 6: a small stream tokenizer over the word lists of
// ppl-words.ts (comments, numbers, `@annotations`, keywords, domains, functions, distributions,
// operators). A misspelt distribution or annotation stays plain: the checker underlines it.
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { ANNOTATIONS, DISTRIBUTIONS, DOMAINS, FUNCTIONS, KEYWORDS, SPECIAL } from './ppl-words.js';

interface State {
  inBlockComment: boolean;
}


function blockComment(stream: Parameters<StreamParser<State>['token']>[0], state: State): string {
  while (!stream.eol()) {
    if (stream.match('*/')) {
      state.inBlockComment = false;
      return 'comment';
    }
    stream.next();
  }
  return 'comment';
}

const parser: StreamParser<State> = {
  name: 'ppl',
  startState: () => ({ inBlockComment: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.inBlockComment) return blockComment(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.inBlockComment = true;
      return blockComment(stream, state);
    }
    if (stream.match(/^@[A-Za-z_]\w*/)) return ANNOTATIONS.has(stream.current().slice(1)) ? 'meta' : null;
    if (stream.match(/^(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/)) return 'number';
    if (stream.match(/^[A-Za-z_]\w*/)) {
      const word = stream.current();
      if (KEYWORDS.has(word)) return 'keyword';
      if (DOMAINS.has(word)) return 'typeName';
      if (SPECIAL.has(word)) return 'atom';
      if (DISTRIBUTIONS.has(word)) return 'className';
      if (FUNCTIONS.has(word) && stream.match(/^\s*\(/, false)) return 'variableName.function';
      if (FUNCTIONS.has(word)) return 'variableName.special';
      return 'variableName';
    }
    if (stream.match('->') || stream.match(/^(?:[<>=!]=|[~=+\-*/^<>])/)) return 'operator';
    if (stream.match(/^[{}()[\],.:]/)) return 'punctuation';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
};

export const pplLanguage = StreamLanguage.define(parser);
