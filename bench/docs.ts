// `npm run docs`: rewrites the generated regions of the docs from the registries
// (inference/docs-tables.ts), so that a new distribution, function, annotation or objective
// reaches the docs with one command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeRegion } from '../lang/docs-tables.js';
import { DOC_REGIONS } from '../inference/docs-tables.js';
import { repoRoot } from './repo.js';

const root = repoRoot();
const files = [...new Set(DOC_REGIONS.map((r) => r.file))];
for (const file of files) {
  const full = path.join(root, file);
  const before = fs.readFileSync(full, 'utf8');
  const after = DOC_REGIONS.filter((r) => r.file === file).reduce((text, r) => writeRegion(text, r.name, r.render()), before);
  if (after === before) {
    console.log(`${file}: up to date`);
  } else {
    fs.writeFileSync(full, after);
    console.log(`${file}: rewritten`);
  }
}
