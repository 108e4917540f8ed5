// The Node flavours of checkModel and loadModel: the model may be source text or a .ppl file
// (`-` for standard input). Light: checking loads no tensor library.
import { checkModel as checkSourceText, loadModel as loadSourceText, type CheckModelOptions, type Model, type ModelCheck } from '../model.js';
import { readModelFile, STDIN_FILE } from '../../io/model-file.js';

/** Model source text, or the .ppl file holding it. */
export type ModelSource = string | { file: string };

function sourceOf(input: ModelSource, options: CheckModelOptions): { source: string; options: CheckModelOptions } {
  if (typeof input === 'string') return { source: input, options };
  return { source: readModelFile(input.file), options: { ...options, file: options.file ?? (input.file === STDIN_FILE ? '<stdin>' : input.file) } };
}

/** checkModel on source text or a file (a missing file is a UserError, not a diagnostic). */
export function checkModel(input: ModelSource, options: CheckModelOptions = {}): ModelCheck {
  const s = sourceOf(input, options);
  return checkSourceText(s.source, s.options);
}

/** loadModel on source text or a file: throws a ProgramError carrying every diagnostic. */
export function loadModel(input: ModelSource, options: CheckModelOptions = {}): Model {
  const s = sourceOf(input, options);
  return loadSourceText(s.source, s.options);
}
