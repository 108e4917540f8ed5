// Binding a program's `data` declarations to a data set's fields.
import { UserError } from '../errors.js';
import { covers, describeSupport } from '../support.js';
import { formatShape, shapeSize } from './dataset.js';
import type { DataDeclLike, Dataset, FieldInfo } from './dataset.js';

export type { DataDeclLike } from './dataset.js';

function sizeMismatch(decl: DataDeclLike, field: FieldInfo, ds: Dataset): UserError {
  const hint = ds.bindingHint ? `; ${ds.bindingHint(decl)}` : '';
  return new UserError(
    `data ${decl.name} has shape ${formatShape(decl.shape)} (${shapeSize(decl.shape)} values per point), but it binds to field ` +
      `'${field.name}' of ${ds.name}, of shape ${formatShape(field.shape)} (${shapeSize(field.shape)} values per point)${hint}`,
  );
}

/** The field `name` after the set has fitted it to `decl` (fitField), when the set does that. */
function fitted(decl: DataDeclLike, field: FieldInfo, ds: Dataset): FieldInfo {
  if (!ds.fitField) return field;
  ds.fitField(decl, field.name);
  return ds.fields.find((f) => f.name === field.name) ?? field;
}

/**
 * decl name -> field name, in three passes:
 * 1. a field with the declaration's exact name;
 * 2. (unless the set binds by name only, as tables do) a declaration still unbound takes the one
 *    unbound field with as many values per point, when exactly one fits: `data x : binary[784]`
 *    takes MNIST's `image` and `data y : int(0, 9)` its `label`;
 * 3. a program with exactly one data declaration binds it to the set's first field.
 * Values per point (product of the shape) must agree; [784] and [28, 28] bind to each other.
 * Then every bound field's values are checked against the declaration's domain when the set can
 * (checkValues: tables); other sets get domainWarnings.
 */
export function bindFields(decls: readonly DataDeclLike[], ds: Dataset): Map<string, string> {
  const listed = ds.fields.map((f) => `${f.name} ${formatShape(f.shape)}`);
  const available = listed.length <= 12 ? listed.join(', ') : `${listed.slice(0, 10).join(', ')}, ... (${listed.length} in all)`;
  const binding = new Map<string, string>();
  const taken = new Set<string>();
  for (const decl of decls) {
    const named = ds.fields.find((f) => f.name === decl.name);
    if (!named) continue;
    const field = fitted(decl, named, ds);
    if (shapeSize(field.shape) !== shapeSize(decl.shape)) throw sizeMismatch(decl, field, ds);
    binding.set(decl.name, field.name);
    taken.add(field.name);
  }
  const byShape = (ds.bindBy ?? 'shape') === 'shape';
  for (const decl of decls) {
    if (binding.has(decl.name)) continue;
    let field: FieldInfo | undefined;
    if (byShape) {
      const fits = ds.fields.filter((f) => !taken.has(f.name) && shapeSize(f.shape) === shapeSize(decl.shape));
      const rivals = decls.filter((d) => !binding.has(d.name) && shapeSize(d.shape) === shapeSize(decl.shape));
      if (fits.length === 1 && rivals.length === 1) field = fits[0];
      else if (decls.length === 1) field = fits[0] ?? ds.fields[0];
      else if (fits.length >= 1 && rivals.length > 1) {
        throw new UserError(
          `data ${rivals.map((d) => d.name).join(' and data ')} all have ${shapeSize(decl.shape)} values per point, so ${ds.name} ` +
            `cannot tell which field each takes (fields: ${available}); name each declaration after its field`,
        );
      } else if (fits.length > 1) {
        throw new UserError(
          `data ${decl.name} ${formatShape(decl.shape)}: ${ds.name} has several fields of ${shapeSize(decl.shape)} values per point ` +
            `(${fits.map((f) => f.name).join(', ')}); name the declaration after one of them`,
        );
      }
    }
    if (!field) {
      const hint = ds.bindingHint ? ds.bindingHint(decl) : 'name the declaration after one of them';
      throw new UserError(
        `data ${decl.name} ${formatShape(decl.shape)}: the data set ${ds.name} has no field named '${decl.name}' ` +
          `(fields: ${available}); ${hint}`,
      );
    }
    field = fitted(decl, field, ds);
    if (shapeSize(field.shape) !== shapeSize(decl.shape)) throw sizeMismatch(decl, field, ds);
    binding.set(decl.name, field.name);
    taken.add(field.name);
  }
  if (ds.checkValues) for (const decl of decls) ds.checkValues(decl, binding.get(decl.name)!);
  return binding;
}

/**
 * Warnings (not errors) for bound declarations whose declared support does not contain the
 * field's values, e.g. `data x : binary[784]` on grey levels (binarize 'none'). Sets that check
 * their values exactly (checkValues, at binding) get none.
 */
export function domainWarnings(decls: readonly DataDeclLike[], ds: Dataset, binding: ReadonlyMap<string, string>): string[] {
  if (ds.checkValues) return [];
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
