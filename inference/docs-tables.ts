// Every generated region of the docs: the language tables (lang/docs-tables.ts) and the
// objectives, whose registry lives in this layer. `npm run docs` (bench/docs.ts) rewrites them
// and test/docs-tables.test.ts checks them.
import { LANGUAGE_DOC_REGIONS, type DocRegion } from '../lang/docs-tables.js';
import { OBJECTIVES } from './objectives/registry.js';

/** The training objectives `--objective` chooses from, with what each maximizes. */
export function renderObjectiveTable(): string {
  const rows = OBJECTIVES.map((o) => `| \`${o.name}\` | ${o.summary.replace(/\|/g, '\\|')} |`);
  return ['| objective | what training maximizes |', '| --- | --- |', ...rows].join('\n');
}

export const DOC_REGIONS: readonly DocRegion[] = [
  ...LANGUAGE_DOC_REGIONS,
  { file: 'docs/estimators.md', name: 'objectives', render: renderObjectiveTable },
];
