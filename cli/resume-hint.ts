// The command that continues a run: the one the user typed, with --out naming the run folder
// and --resume, so following it literally resumes this run and no other.
import * as path from 'node:path';

/** An argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** How the user calls ppl: through npx when npm ran us, else the installed command. */
function pplCommand(): string {
  return process.env['npm_command'] === 'exec' ? 'npx ppl' : 'ppl';
}

/** `args` (the command line after `ppl`) without --resume and --out, then `--out OUT --resume`. */
export function resumeCommand(args: readonly string[], out: string): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--resume' || a.startsWith('--out=')) continue;
    if (a === '--out') {
      i++;
      continue;
    }
    kept.push(a);
  }
  return [pplCommand(), ...kept, '--out', path.normalize(out), '--resume'].map((a, i) => (i === 0 ? a : shellQuote(a))).join(' ');
}
