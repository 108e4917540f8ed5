// Training progress: a live bar on a terminal, plain lines when output goes to a file or CI.
import cliProgress from 'cli-progress';
import type { EpochRecord, StepInfo } from '../api/index.js';

export interface ProgressView {
  epochStart(epoch: number, epochs: number, steps: number): void;
  step(info: StepInfo): void;
  epochEnd(record: EpochRecord): void;
  stop(): void;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : String(v));

export function epochLine(r: EpochRecord, epochs: number): string {
  return `epoch ${r.epoch}/${epochs}  train ELBO ${fmt(r.trainElbo)}  test ELBO ${fmt(r.testElbo)} nats/datapoint  ${r.seconds.toFixed(1)} s  ${Math.round(r.samplesPerSecond)} samples/s`;
}

class BarView implements ProgressView {
  private bar: cliProgress.SingleBar | undefined;
  private epochs = 0;

  epochStart(epoch: number, epochs: number, steps: number): void {
    this.epochs = epochs;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${epochs} {bar} {value}/{total} steps | ELBO {elbo} | {rate} samples/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(steps, 0, { elbo: '...', rate: '...' });
  }

  step(info: StepInfo): void {
    this.bar?.update(info.stepInEpoch, { elbo: fmt(info.runningElbo), rate: Math.round(info.samplesPerSecond) });
  }

  epochEnd(record: EpochRecord): void {
    this.stop();
    process.stdout.write(`${epochLine(record, this.epochs)}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Without a terminal: a line about every 10% of an epoch, then the epoch summary. */
class LineView implements ProgressView {
  private epochs = 0;
  private every = 1;

  epochStart(_epoch: number, epochs: number, steps: number): void {
    this.epochs = epochs;
    this.every = Math.max(1, Math.round(steps / 10));
  }

  step(info: StepInfo): void {
    if (info.stepInEpoch % this.every !== 0 || info.stepInEpoch === info.stepsInEpoch) return;
    process.stdout.write(
      `  epoch ${info.epoch} step ${info.stepInEpoch}/${info.stepsInEpoch}  running ELBO ${fmt(info.runningElbo)}  ${Math.round(info.samplesPerSecond)} samples/s\n`,
    );
  }

  epochEnd(record: EpochRecord): void {
    process.stdout.write(`${epochLine(record, this.epochs)}\n`);
  }

  stop(): void {}
}

export function progressView(interactive: boolean): ProgressView {
  return interactive ? new BarView() : new LineView();
}
