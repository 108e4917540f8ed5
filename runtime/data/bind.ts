// Binding a program's `data` declarations to a data set's fields.
import { UserError } from '../errors.js';
import { covers, describeSupport } from '../support.js';
import { formatShape, shapeSize } from './dataset.js';
import type { DataDeclLike, Dataset, FieldInfo } from './dataset.js';

export type { DataDeclLike } from './dataset.js';

function sizeMismatch(decl: DataDeclLike, field: FieldInfo, ds: Dataset): string {
  const hint = ds.bindingHint ? `; ${ds.bindingHint(decl)}` : '';
  return (
    `data ${decl.name} has shape ${formatShape(decl.shape)} (${shapeSize(decl.shape)} values per point), but it binds to field ` +
      `'${field.name}' of ${ds.name}, of shape ${formatShape(field.shape)} (${shapeSize(field.shape)} values per point)${hint}`
  );
}

/** The columns a table would need for these declarations: `y`, `X_0 .. X_4`. */
function tableColumns(decls: readonly DataDeclLike[]): string {
  return decls
    .map((d) => {
      const n = shapeSize(d.shape);
      return d.shape.length === 0 ? d.name : n === 1 ? `${d.name}_0` : `${d.name}_0 .. ${d.name}_${n - 1}`;
    })
    .join(', ');
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
 * (checkValues: tables); other sets get domainWarnings. Every declaration that cannot bind is
 * reported, in one UserError.
 */
export function bindFields(decls: readonly DataDeclLike[], ds: Dataset): Map<string, string> {
  const listed = ds.fields.map((f) => `${f.name} ${formatShape(f.shape)}`);
  const available = listed.length <= 12 ? listed.join(', ') : `${listed.slice(0, 10).join(', ')}, ... (${listed.length} in all)`;
  const binding = new Map<string, string>();
  const taken = new Set<string>();
  const problems: string[] = [];
  const unbound = new Set<string>();
  for (const decl of decls) {
    const named = ds.fields.find((f) => f.name === decl.name);
    if (!named) continue;
    const field = fitted(decl, named, ds);
    if (shapeSize(field.shape) !== shapeSize(decl.shape)) {
      problems.push(sizeMismatch(decl, field, ds));
      unbound.add(decl.name);
      continue;
    }
    binding.set(decl.name, field.name);
    taken.add(field.name);
  }
  const byShape = (ds.bindBy ?? 'shape') === 'shape';
  for (const decl of decls) {
    if (binding.has(decl.name) || unbound.has(decl.name)) continue;
    let field: FieldInfo | undefined;
    if (byShape) {
      const fits = ds.fields.filter((f) => !taken.has(f.name) && shapeSize(f.shape) === shapeSize(decl.shape));
      const rivals = decls.filter((d) => !binding.has(d.name) && shapeSize(d.shape) === shapeSize(decl.shape));
      if (fits.length === 1 && rivals.length === 1) field = fits[0];
      else if (decls.length === 1) field = fits[0] ?? ds.fields[0];
      else if (fits.length >= 1 && rivals.length > 1) {
        problems.push(
          `data ${rivals.map((d) => d.name).join(' and data ')} all have ${shapeSize(decl.shape)} values per point, so ${ds.name} ` +
            `cannot tell which field each takes (fields: ${available}); name each declaration after its field`,
        );
        for (const r of rivals) unbound.add(r.name);
        continue;
      } else if (fits.length > 1) {
        problems.push(
          `data ${decl.name} ${formatShape(decl.shape)}: ${ds.name} has several fields of ${shapeSize(decl.shape)} values per point ` +
            `(${fits.map((f) => f.name).join(', ')}); name the declaration after one of them`,
        );
        unbound.add(decl.name);
        continue;
      }
    }
    if (!field) {
      const hint = ds.bindingHint ? ds.bindingHint(decl) : 'name the declaration after one of them';
      problems.push(`data ${decl.name} ${formatShape(decl.shape)}: the data set ${ds.name} has no field named '${decl.name}' (fields: ${available}); ${hint}`);
      unbound.add(decl.name);
      continue;
    }
    field = fitted(decl, field, ds);
    if (shapeSize(field.shape) !== shapeSize(decl.shape)) {
      problems.push(sizeMismatch(decl, field, ds));
      unbound.add(decl.name);
      continue;
    }
    binding.set(decl.name, field.name);
    taken.add(field.name);
  }
  if (problems.length) {
    // A model of a table run on a picture set (the default data, forgotten): say which table it wants.
    const table = byShape && decls.some((d) => unbound.has(d.name)) && decls.every((d) => shapeSize(d.shape) < 100)
      ? [`these declarations describe a table, not ${ds.name}: give the data as \`data\` csv:PATH, a CSV file with a header row and the columns ${tableColumns(decls)}`]
      : [];
    throw new UserError([...problems, ...table].join('\n'));
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
