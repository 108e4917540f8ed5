// Binding a program's `data` declarations to a data set's fields.
import { UserError } from '../../lang/diagnostics.js';
import { covers, describeSupport } from '../support.js';
import type { Support } from '../support.js';
import { formatShape, shapeSize } from './dataset.js';
import type { Dataset } from './dataset.js';

export interface DataDeclLike {
  name: string;
  shape: readonly number[];
  support: Support;
}

/**
 * decl name -> field name. A field with the declaration's exact name wins; otherwise a
 * program with exactly one data declaration binds it to the data set's first field.
 * Values per point (product of the shape) must agree; [784] and [28, 28] bind to each other.
 */
export function bindFields(decls: readonly DataDeclLike[], ds: Dataset): Map<string, string> {
  const available = ds.fields.map((f) => `${f.name} ${formatShape(f.shape)}`).join(', ');
  const binding = new Map<string, string>();
  for (const decl of decls) {
    const field = ds.fields.find((f) => f.name === decl.name) ?? (decls.length === 1 ? ds.fields[0] : undefined);
    if (!field) {
      throw new UserError(
        `data ${decl.name} ${formatShape(decl.shape)}: the data set ${ds.name} has no field named '${decl.name}' ` +
          `(fields: ${available}); name the declaration after one of them`,
      );
    }
    const want = shapeSize(decl.shape);
    const have = shapeSize(field.shape);
    if (want !== have) {
      throw new UserError(
        `data ${decl.name} has shape ${formatShape(decl.shape)} (${want} values per point), but it binds to field ` +
          `'${field.name}' of ${ds.name}, of shape ${formatShape(field.shape)} (${have} values per point)`,
      );
    }
    binding.set(decl.name, field.name);
  }
  return binding;
}

/**
 * Warnings (not errors) for bound declarations whose declared support does not contain the
 * field's values, e.g. `data x : binary[784]` on grey levels (--binarize none).
 */
export function domainWarnings(decls: readonly DataDeclLike[], ds: Dataset, binding: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const decl of decls) {
    const field = ds.fields.find((f) => f.name === binding.get(decl.name));
    if (field && !covers(decl.support, field.domain)) {
      out.push(
        `data ${decl.name} is declared ${describeSupport(decl.support)}, but field '${field.name}' of ${ds.name} ` +
          `holds ${describeSupport(field.domain)} values`,
      );
    }
  }
  return out;
}
