// The front end of the pipeline (api/pipeline.ts): text to the checked program. Its own module,
// importing no tensor code, so that checking a model (ppl check, an editor) stays light.
import { checkSource, type CheckOptions, type CheckResult } from '../lang/checker/index.js';

/** Text to the checked program (parse, then check): every problem found comes back as a diagnostic. */
export function frontEnd(file: string, source: string, options: CheckOptions = {}): CheckResult {
  return checkSource(file, source, options);
}
