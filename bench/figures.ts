// `npm run figures`: every figure and number the docs show, made by the `ppl` commands a user
// would run (printed as they run), into docs/figures/. Needs ../shared/data (full MNIST, Frey).
//   1. vae.ppl, 10 epochs on full MNIST; the importance-sampled log p(x) (K = 1000) on the test set
//   2. an inpainting figure from it (bottom half hidden)
//   3. vae_2d.ppl on full MNIST -> the learned manifold (Kingma & Welling 2014, Fig. 4b)
//   4. vae_frey_2d.ppl on Frey Face -> the learned manifold (Fig. 4a)
// Trained checkpoints are kept under runs/figures/ and reused when present.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './repo.js';

const root = repoRoot();
const shared = path.resolve(root, '..', 'shared', 'data');
const mnist = `mnist:${path.join(shared, 'mnist')}`;
const frey = `frey:${path.join(shared, 'frey', 'frey_rawface.mat')}`;
const figures = path.join(root, 'docs', 'figures');
const runs = path.join(root, 'runs', 'figures');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const commands: string[] = [];

function ppl(args: string[]): void {
  const parent = path.resolve(root, '..');
  const shown = `ppl ${args.map((a) => a.split(`${root}/`).join('').split(`${parent}/`).join('../')).join(' ')}`;
  console.log(`\n$ ${shown}`);
  commands.push(shown);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`failed (exit ${r.status}): ${shown}`);
}

function train(model: string, out: string, extra: string[]): string {
  const ckpt = path.join(out, 'checkpoint.json');
  if (!fs.existsSync(ckpt)) ppl(['train', `models/${model}`, '--out', out, ...extra]);
  else console.log(`\n(reusing ${path.relative(root, ckpt)})`);
  return ckpt;
}

function copy(from: string, to: string): void {
  fs.copyFileSync(from, path.join(figures, to));
  console.log(`-> docs/figures/${to}`);
}

function main(): void {
  if (!fs.existsSync(shared)) {
    console.log(`skipped: ${shared} is absent (the figures need full MNIST and Frey Face)`);
    return;
  }
  fs.mkdirSync(figures, { recursive: true });

  const vae = train('vae.ppl', path.join(runs, 'vae'), ['--data', mnist, '--epochs', '10']);
  ppl(['eval', 'models/vae.ppl', '--checkpoint', vae, '--data', mnist, '--k', '1000', '--out', path.join(runs, 'vae-eval')]);
  for (const f of fs.readdirSync(path.join(runs, 'vae-eval'))) copy(path.join(runs, 'vae-eval', f), `vae-eval-${f}`);

  ppl(['inpaint', 'models/vae.ppl', '--checkpoint', vae, '--data', mnist, '--mask', 'bottom', '--n', '100', '--out', path.join(runs, 'vae-inpaint')]);
  for (const f of fs.readdirSync(path.join(runs, 'vae-inpaint'))) copy(path.join(runs, 'vae-inpaint', f), `inpaint-${f}`);

  const vae2d = train('vae_2d.ppl', path.join(runs, 'vae_2d'), ['--data', mnist, '--epochs', '10']);
  ppl(['manifold', 'models/vae_2d.ppl', '--checkpoint', vae2d, '--grid', '20', '--scale', '2', '--out', path.join(runs, 'vae_2d-manifold')]);
  for (const f of fs.readdirSync(path.join(runs, 'vae_2d-manifold'))) copy(path.join(runs, 'vae_2d-manifold', f), `mnist-${f}`);

  const frey2d = train('vae_frey_2d.ppl', path.join(runs, 'vae_frey_2d'), ['--data', frey, '--epochs', '300', '--batch-size', '100']);
  ppl(['manifold', 'models/vae_frey_2d.ppl', '--checkpoint', frey2d, '--grid', '20', '--scale', '2', '--out', path.join(runs, 'vae_frey_2d-manifold')]);
  for (const f of fs.readdirSync(path.join(runs, 'vae_frey_2d-manifold'))) copy(path.join(runs, 'vae_frey_2d-manifold', f), `frey-${f}`);

  fs.writeFileSync(path.join(figures, 'COMMANDS.md'), `# How these figures were made\n\n\`npm run figures\` ran, in order:\n\n\`\`\`\n${commands.join('\n')}\n\`\`\`\n`);
  console.log('\n-> docs/figures/COMMANDS.md');
}

main();
