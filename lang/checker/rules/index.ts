// The checker's rules, in the order they run. Each rule reads what earlier ones recorded in
// the CheckContext; add a new rule by appending (or inserting) it here.
import type { CheckRule } from '../context.js';
import { blocksRule } from './blocks.js';
import { implicitGuidesRule } from './implicit-guides.js';
import { declarationsRule } from './declarations.js';
import { constantsRule } from './constants.js';
import { typesRule } from './types.js';
import { paramsRule } from './params.js';
import { netsRule } from './nets.js';
import { namesRule } from './names.js';
import { sitesRule } from './sites.js';
import { loopsRule } from './loops.js';
import { distributionsRule } from './distributions.js';
import { annotationsRule } from './annotations.js';
import { shapesRule } from './shapes.js';
import { supportsRule } from './supports.js';
import { platesRule } from './plates.js';
import { unusedRule } from './unused.js';
import { estimatorsRule } from './estimators.js';
import { enumerationRule } from './enumeration.js';
import { chainsRule } from './chains.js';
import { missingRule } from './missing.js';

export const RULES: readonly CheckRule[] = [
  blocksRule,
  implicitGuidesRule,
  declarationsRule,
  constantsRule,
  typesRule,
  paramsRule,
  netsRule,
  namesRule,
  loopsRule,
  sitesRule,
  distributionsRule,
  annotationsRule,
  shapesRule,
  supportsRule,
  platesRule,
  estimatorsRule,
  enumerationRule,
  chainsRule,
  missingRule,
  unusedRule,
];
