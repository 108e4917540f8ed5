// Assembles the CheckedProgram from a context whose rules reported no error.
import type { CheckContext } from './context.js';
import type { CheckedProgram, DataInfo, LatentInfo, NetInfo, ParamInfo, SiteInfo } from '../checked.js';

function internal(what: string): never {
  throw new Error(`internal: checker found no error but ${what}`);
}

export function buildChecked(ctx: CheckContext): CheckedProgram {
  const typeOf = (name: string) => ctx.declTypes.get(name) ?? internal(`${name} has no type`);

  const data: DataInfo[] = ctx.symbolsOf('data').map((s) => {
    const t = typeOf(s.name);
    return { name: s.name, shape: t.shape, support: t.support, decl: s.decl, missing: s.decl.modifier?.name === 'missing' };
  });

  // Implicit automatic guide sites are checked like written ones, but the checked program keeps
  // the source as written: lowering adds them.
  const sites: SiteInfo[] = [...ctx.sites]
    .filter((d) => !d.stmt.implicit)
    .sort((a, b) => a.stmt.span.offset - b.stmt.span.offset)
    .map((d) => {
      const match = ctx.dists.get(d.stmt) ?? internal(`site ${d.target} has no distribution`);
      return {
        stmt: d.stmt,
        block: d.block,
        target: d.target,
        targetKind: d.targetKind,
        plate: d.plate,
        dist: match.spec,
        argNames: match.argNames.map((n) => n ?? internal(`an argument of ${d.target} is unbound`)),
        shape: d.element ? typeOf(d.target).shape.slice(1) : typeOf(d.target).shape,
        ...(d.element ? { element: d.element } : {}),
      };
    });

  const latents: LatentInfo[] = ctx.symbolsOf('latent').map((s) => {
    const t = typeOf(s.name);
    const prior = sites.find((x) => x.block === 'model' && x.target === s.name)?.stmt ?? internal(`latent ${s.name} has no prior`);
    const guide = sites.find((x) => x.block === 'guide' && x.target === s.name)?.stmt;
    const enumerated = prior.annotations.some((a) => a.name.name === 'enumerate');
    const implicitGuide = ctx.sites.some((x) => x.block === 'guide' && x.target === s.name && x.stmt.implicit);
    if (!guide && !enumerated && !implicitGuide) internal(`latent ${s.name} has no guide site`);
    return { name: s.name, plate: s.decl.plate, shape: t.shape, support: t.support, decl: s.decl, prior, guide, enumerated, implicitGuide };
  });

  const params: ParamInfo[] = ctx.symbolsOf('param').map((s) => {
    const p = ctx.params.get(s.name) ?? internal(`param ${s.name} was not folded`);
    return { name: s.name, shape: typeOf(s.name).shape, constraint: p.constraint, init: p.init, decl: s.decl };
  });

  const nets: NetInfo[] = ctx.symbolsOf('net').map((s) => {
    const n = ctx.nets.get(s.name) ?? internal(`net ${s.name} was not folded`);
    return { name: s.name, family: n.family, spec: n.spec, ...(n.heads ? { heads: n.heads } : {}), decl: s.decl };
  });

  return {
    file: ctx.program.file,
    source: ctx.program.source,
    ast: ctx.program,
    consts: new Map(ctx.consts),
    data,
    latents,
    params,
    nets,
    model: ctx.model?.body ?? internal('there is no model block'),
    guide: ctx.guide?.body.filter((s) => !(s.kind === 'sample' && s.implicit)) ?? [],
    sites,
    shapes: ctx.shapes,
    factors: [...ctx.factorPlates].map(([stmt, plate]) => ({ stmt, plate })),
    loops: ctx.loopRanges,
    constArrays: ctx.constArrays,
    arrays: ctx.arrays,
    indexKinds: ctx.indexKinds,
    chains: ctx.chains,
    loopVarRefs: new Set([...ctx.bindings].filter(([, b]) => b.kind === 'loop').map(([id]) => id)),
  };
}
