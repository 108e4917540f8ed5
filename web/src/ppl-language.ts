// `.ppl` highlighting for CodeMirror 6: a small stream tokenizer over the word lists of
// ppl-words.ts (comments, numbers, `@annotations`, keywords, domains, functions, capitalised
// distribution names, operators).
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { DOMAINS, FUNCTIONS, KEYWORDS, NET_WORDS, SPECIAL } from './ppl-words.js';

interface State {
  inBlockComment: boolean;
}

const keywords = new Set<string>(KEYWORDS);
const domains = new Set<string>(DOMAINS);
const functions = new Set<string>([...FUNCTIONS, ...NET_WORDS]);
const special = new Set<string>(SPECIAL);

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
    if (stream.match(/^@[A-Za-z_]\w*/)) return 'meta';
    if (stream.match(/^(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/)) return 'number';
    if (stream.match(/^[A-Za-z_]\w*/)) {
      const word = stream.current();
      if (keywords.has(word)) return 'keyword';
      if (domains.has(word)) return 'typeName';
      if (special.has(word)) return 'atom';
      if (/^[A-Z]/.test(word)) return 'className';
      if (functions.has(word) && stream.match(/^\s*\(/, false)) return 'variableName.function';
      if (functions.has(word)) return 'variableName.special';
      return 'variableName';
    }
    if (stream.match('->') || stream.match(/^[~=+\-*/^<>]/)) return 'operator';
    if (stream.match(/^[{}()[\],.:]/)) return 'punctuation';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
};

export const pplLanguage = StreamLanguage.define(parser);
