// The generated regions of the docs match what the registries produce now, so a registry
// change that is not carried to the docs (by `npm run docs`) fails here, naming the region.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegion, regionBlock, writeRegion } from '../lang/docs-tables.js';
import { DOC_REGIONS } from '../inference/docs-tables.js';
import { DIST_SPECS } from '../runtime/distributions/spec.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('generated docs regions', () => {
  for (const region of DOC_REGIONS) {
    it(`${region.file}: ${region.name} is up to date`, () => {
      const text = fs.readFileSync(path.join(ROOT, region.file), 'utf8');
      const found = readRegion(text, region.name);
      if (!found.ok) expect.fail(`${region.file} ${found.problem}: add the region's markers, then run npm run docs`);
      expect(found.block, `${region.file}: the generated region '${region.name}' differs from the registries; run npm run docs`).toBe(
        regionBlock(region.name, region.render()),
      );
    });
  }

  it('names each region once', () => {
    const keys = DOC_REGIONS.map((r) => `${r.file}#${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('regions in a file', () => {
  const text = 'intro\n\n<!-- generated: t (npm run docs) -->\n\nold\n\n<!-- end generated: t -->\n\noutro\n';

  it('rewrites only the text between the markers', () => {
    expect(writeRegion(text, 't', 'new')).toBe('intro\n\n<!-- generated: t (npm run docs) -->\n\nnew\n\n<!-- end generated: t -->\n\noutro\n');
  });

  it('says what is missing', () => {
    expect(readRegion(text, 'u')).toEqual({ ok: false, problem: "has no line '<!-- generated: u (npm run docs) -->'" });
    expect(() => writeRegion('<!-- generated: t (npm run docs) -->\n', 't', 'x')).toThrow("has no '<!-- end generated: t -->'");
  });
});

describe('the distributions region', () => {
  it('has a row and a bullet for every distribution', () => {
    const region = DOC_REGIONS.find((r) => r.name === 'distributions')!.render();
    const list = DOC_REGIONS.find((r) => r.name === 'distribution-list')!.render();
    for (const name of DIST_SPECS.keys()) {
      expect(region).toContain(`| \`${name}\` |`);
      expect(list).toContain(`- **${name}**:`);
    }
  });
});
