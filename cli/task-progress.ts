// Progress of a long computation that is not training (e.g. ppl eval): a live bar on a
// terminal, a line about every 10% otherwise.
import cliProgress from 'cli-progress';

export interface TaskProgress {
  update(done: number): void;
  stop(): void;
}

export function taskProgress(label: string, total: number, interactive = Boolean(process.stdout.isTTY)): TaskProgress {
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} {bar} {percentage}% | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (d) => bar.update(d), stop: () => bar.stop() };
  }
  let next = 0.1;
  return {
    update: (d) => {
      const f = total > 0 ? d / total : 1;
      if (f + 1e-12 < next || f >= 1) return;
      process.stdout.write(`  ${label} ${Math.floor(f * 100)}%\n`);
      while (next <= f + 1e-12) next += 0.1;
    },
    stop: () => {},
  };
}
