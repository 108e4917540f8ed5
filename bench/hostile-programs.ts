// Programs an attacker (or a code generator gone wrong) might feed the checker, each of which
// must end in a located error quickly: shared by test/hostile-input.test.ts (the answers) and
// bench/hostile-input.ts (the times).

const wrap = (expr: string): string => `data x : real[2]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(${expr}, 1)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n`;

export interface HostileProgram {
  name: string;
  source: string;
  /** The line:col the error must name. */
  at: string;
  /** What the message must say. */
  says: RegExp;
}

export function hostilePrograms(): HostileProgram[] {
  const lets = Array.from({ length: 10_000 }, (_, i) => `  let a${i} = u${i}`).join('\n');
  return [
    {
      name: 'enumeration of 1e8 values',
      source: 'const K = 99999999\ndata x : real[2]\nlatent c : int(0, K - 1)\nparam w : real[K]\nmodel {\n  c ~ Categorical(logits = w) @enumerate\n  x ~ Normal(0, 1)\n}\nguide {\n}\n',
      at: '6:31',
      says: /summing out c means 99999999 joint values, more than 1024/,
    },
    {
      name: 'enumeration of int(0, 1e9)',
      source: 'data x : real[2]\nlatent c : int(0, 1e9)\nparam w : real[1e9 + 1]\nmodel {\n  c ~ Categorical(logits = w) @enumerate\n  x ~ Normal(0, 1)\n}\nguide {\n}\n',
      at: '3:11',
      says: /w has 1000000001 values, more than fit in the 4\.00 GB memory budget[\s\S]*summing out c means 1000000001 joint values/,
    },
    { name: 'a sum of 10,000 terms', source: wrap(`z * (${Array(10_000).fill('1').join(' + ')})`), at: '5:14', says: /nested too deeply \(10003 levels; at most 200\)/ },
    { name: 'z[0] indexed 5,000 times', source: wrap(`z${'[0]'.repeat(5000)}`), at: '5:14', says: /nested too deeply \(5004 levels/ },
    { name: '10,000 undefined names in one sum', source: wrap(Array.from({ length: 10_000 }, (_, i) => `u${i}`).join(' + ')), at: '5:14', says: /nested too deeply/ },
    {
      name: '10,000 undefined names in 10,000 lets',
      source: `data x : real[2]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n${lets}\n  x ~ Normal(z, 1)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n`,
      at: '5:12',
      says: /undefined name 'u0'[\s\S]*\.\.\. and \d+ more \(20000 in all/,
    },
    {
      name: 'a layer of 1e9 units',
      source: 'data x : real[3]\nlatent z : real[2]\nnet f : mlp(2 -> 1e9 -> 3)\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(f(z), 1)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n',
      at: '3:18',
      says: /a layer of 1000000000 units is more than any net can train within the 4\.00 GB memory budget/,
    },
    { name: 'a param of 2^32 + 1 values', source: wrap('z').replace('latent z', 'param w : real[4294967297]\nlatent z'), at: '2:11', says: /w has 4294967297 values, more than fit/ },
    { name: '100,000 nested parentheses', source: `const A = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`, at: '1:1', says: /nested too deeply/ },
    { name: '100,000 unary minus signs', source: `const A = ${'-'.repeat(100_000)}1\n`, at: '1:1', says: /nested too deeply/ },
    { name: 'a number literal of 1 MB', source: `const A = 1${'1'.repeat(1_000_000)} +\n`, at: '1:1000014', says: /unexpected end of file/ },
  ];
}
