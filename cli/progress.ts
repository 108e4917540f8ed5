// Training progress, in one of four forms: a live status line on a terminal (fitted to its
// width, with the whole run's elapsed time and ETA), plain lines when output goes to a file or
// CI, one JSON object per step and epoch for scripts (--log-format json), or nothing (--quiet).
// The status line is drawn here rather than by cli-progress: it must share the terminal with the
// epoch lines and messages printed above it and be cleared before anything else is written.
import type { EpochRecord, StepInfo } from '../api/index.js';

/** What the run is about to do, for the whole-run ETA. */
export interface RunPlan {
  /** The epochs the run reaches. */
  epochs: number;
  /** The step the run ends at, and the one it starts from (a resumed run's). */
  totalSteps: number;
  startStep: number;
}

export interface ProgressView {
  start(plan: RunPlan): void;
  step(info: StepInfo): void;
  epochEnd(record: EpochRecord): void;
  /** A message line (e.g. about Ctrl-C), printed above the status line. */
  note(text: string): void;
  /** Clears the status line; the terminal is left at the start of a fresh line. */
  stop(): void;
}

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : String(v));

/** 75 s -> '1:15', 3725 s -> '1:02:05'. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The epoch's train ELBO, and its test ELBO when there is one (none without a test set). */
export function epochLine(r: EpochRecord, epochs: number): string {
  const test = Number.isFinite(r.testElbo) ? `  test ELBO ${fmt(r.testElbo)}` : '';
  return `epoch ${r.epoch}/${epochs}  train ELBO ${fmt(r.trainElbo)}${test} nats/datapoint  ${r.seconds.toFixed(1)} s  ${Math.round(r.samplesPerSecond)} samples/s`;
}

/** Elapsed time of this session and the time left for the whole run, from this session's pace. */
class Clock {
  private readonly started = performance.now();
  constructor(private readonly plan: RunPlan) {}

  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  eta(step: number): number {
    const done = step - this.plan.startStep;
    return done > 0 ? ((this.plan.totalSteps - step) * this.elapsed()) / done : NaN;
  }
}

/** Epoch lines at most once a second (every epoch is in log.csv), but always the first and the last. */
class EpochLines {
  private last = -Infinity;

  due(record: EpochRecord, epochs: number): boolean {
    const now = performance.now();
    if (record.epoch === 1 || record.epoch === epochs || now - this.last >= 1000) {
      this.last = now;
      return true;
    }
    return false;
  }
}

const EMPTY_PLAN: RunPlan = { epochs: 0, totalSteps: 0, startStep: 0 };

/**
 * The status line, shorter than `columns`:
 * `epoch 3/10 [####----] 25% | ELBO -102.25 | ETA 3:15 | 1:05 elapsed | step 200/800 | 5321 samples/s`,
 * its parts dropped from the least useful when the terminal is narrow, the bar taking what is left.
 * The bar and the percentage cover the whole run, a resumed one's earlier steps included; the ETA
 * comes from this session's pace.
 */
export function statusLine(info: StepInfo, plan: RunPlan, elapsed: number, eta: number, columns: number): string {
  const done = plan.totalSteps > 0 ? info.totalStep / plan.totalSteps : 1;
  const clamped = Math.min(1, Math.max(0, done));
  const pct = `${Math.floor(clamped * 100)}%`;
  const head = `epoch ${info.epoch}/${plan.epochs}`;
  const tail = [`ELBO ${fmt(info.runningElbo)}`, `ETA ${clock(eta)}`, `${clock(elapsed)} elapsed`, `step ${info.totalStep}/${plan.totalSteps}`, `${Math.round(info.samplesPerSecond)} samples/s`];
  const width = Math.max(20, columns - 1);
  // The bar while ELBO and ETA fit beside it; then the text alone, losing its least useful parts.
  for (let keep = tail.length; keep >= 2; keep--) {
    const rest = `${pct} | ${tail.slice(0, keep).join(' | ')}`;
    const barWidth = Math.min(30, width - head.length - rest.length - 4);
    if (barWidth >= 10) {
      const filled = Math.round(clamped * barWidth);
      return `${head} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${rest}`;
    }
  }
  for (let keep = tail.length; keep >= 1; keep--) {
    const text = `${head} ${pct} | ${tail.slice(0, keep).join(' | ')}`;
    if (text.length <= width) return text;
  }
  return `${head} ${pct}`.slice(0, width);
}

class StatusView implements ProgressView {
  private plan = EMPTY_PLAN;
  private clock = new Clock(EMPTY_PLAN);
  private readonly lines = new EpochLines();
  private shown = false;
  private lastDraw = 0;
  private lastInfo: StepInfo | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  start(plan: RunPlan): void {
    this.plan = plan;
    this.clock = new Clock(plan);
  }

  step(info: StepInfo): void {
    this.lastInfo = info;
    const now = performance.now();
    if (now - this.lastDraw < 100 && info.totalStep < this.plan.totalSteps) return;
    this.lastDraw = now;
    this.draw(info);
  }

  private draw(info: StepInfo): void {
    // Two columns spare: the terminal echoes ^C after the line, and it must not wrap.
    const line = statusLine(info, this.plan, this.clock.elapsed(), this.clock.eta(info.totalStep), (this.out.columns ?? 80) - 2);
    this.out.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  private clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }

  epochEnd(record: EpochRecord): void {
    if (!this.lines.due(record, this.plan.epochs)) return;
    this.clear();
    this.out.write(`${epochLine(record, this.plan.epochs)}\n`);
    if (this.lastInfo && record.epoch < this.plan.epochs) this.draw(this.lastInfo);
  }

  note(text: string): void {
    this.clear();
    process.stderr.write(`${text}\n`);
    if (this.lastInfo) this.draw(this.lastInfo);
  }

  stop(): void {
    this.clear();
  }
}

/** Without a terminal: a line about every 10% of a long epoch, the epoch lines with elapsed time and ETA. */
class LineView implements ProgressView {
  private plan = EMPTY_PLAN;
  private clock = new Clock(EMPTY_PLAN);
  private readonly lines = new EpochLines();

  constructor(private readonly out: NodeJS.WritableStream) {}

  start(plan: RunPlan): void {
    this.plan = plan;
    this.clock = new Clock(plan);
  }

  private lastStep = 0;

  step(info: StepInfo): void {
    this.lastStep = info.totalStep;
    const every = Math.max(1, Math.round(info.stepsInEpoch / 10));
    if (info.stepInEpoch % every !== 0 || info.stepInEpoch === info.stepsInEpoch) return;
    this.out.write(`  epoch ${info.epoch} step ${info.stepInEpoch}/${info.stepsInEpoch}  running ELBO ${fmt(info.runningElbo)}  ${Math.round(info.samplesPerSecond)} samples/s\n`);
  }

  epochEnd(record: EpochRecord): void {
    if (!this.lines.due(record, this.plan.epochs)) return;
    const left = record.epoch < this.plan.epochs ? `, ETA ${clock(this.clock.eta(this.lastStep))}` : '';
    this.out.write(`${epochLine(record, this.plan.epochs)}  ${clock(this.clock.elapsed())} elapsed${left}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  stop(): void {}
}

/** Finite numbers as they are, NaN (no test set) left out. */
function jsonRecord(type: string, fields: Record<string, number>): string {
  const out: Record<string, string | number> = { type };
  for (const [k, v] of Object.entries(fields)) if (Number.isFinite(v)) out[k] = v;
  return JSON.stringify(out);
}

/** One JSON object a line on stdout: {"type":"step",...} after every step, {"type":"epoch",...} after every epoch. */
class JsonView implements ProgressView {
  private readonly clock = performance.now();

  start(): void {}

  step(info: StepInfo): void {
    process.stdout.write(`${jsonRecord('step', { ...info, elapsedSeconds: (performance.now() - this.clock) / 1000 })}\n`);
  }

  epochEnd(record: EpochRecord): void {
    process.stdout.write(`${jsonRecord('epoch', { ...record })}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  stop(): void {}
}

class QuietView implements ProgressView {
  start(): void {}
  step(): void {}
  epochEnd(): void {}
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
  stop(): void {}
}

export function progressView(options: { format: LogFormat; quiet: boolean; stream?: NodeJS.WriteStream }): ProgressView {
  const out = options.stream ?? process.stdout;
  if (options.format === 'json') return new JsonView();
  if (options.quiet) return new QuietView();
  return out.isTTY ? new StatusView(out) : new LineView(out);
}
