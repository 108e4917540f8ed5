// One training run in the tab: fit with start, pause, resume and stop. The step loop yields to
// the page after every step (the engine awaits a turn of the event loop), so the page stays
// responsive; pausing hands fit a promise from onStep that resolving resumes.
import { fit, type Checkpoint, type EpochRecord, type FitOptions, type FitResult, type FitStart, type Model, type StepInfo, type TrainedModel, type TrainingData } from 'ppl-vi/engine';

export type SessionState = 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'failed';

export interface SessionEvents {
  onState(state: SessionState, detail?: string): void;
  onStart(start: FitStart): void;
  onStep(info: StepInfo): void;
  onEpoch(record: EpochRecord): void;
}

export class TrainingSession {
  state: SessionState = 'starting';
  start?: FitStart;
  result?: FitResult;
  /** The latest whole-epoch checkpoint (onCheckpoint). */
  lastCheckpoint?: Checkpoint;
  private readonly stopper = new AbortController();
  private gate?: { promise: Promise<void>; open: () => void };
  readonly done: Promise<void>;

  constructor(model: Model, data: TrainingData, options: FitOptions, private readonly events: SessionEvents) {
    this.done = this.run(model, data, options);
  }

  private set(state: SessionState, detail?: string): void {
    this.state = state;
    this.events.onState(state, detail);
  }

  private async run(model: Model, data: TrainingData, options: FitOptions): Promise<void> {
    try {
      this.result = await fit(model, data, {
        ...options,
        signal: this.stopper.signal,
        onStart: (s) => {
          this.start = s;
          this.set('running');
          this.events.onStart(s);
        },
        onStep: (info) => {
          this.events.onStep(info);
          if (this.stopRequested) return this.stopHere();
          return this.gate?.promise;
        },
        onEpoch: (r) => this.events.onEpoch(r),
        onCheckpoint: (c) => {
          this.lastCheckpoint = c;
        },
      });
      this.set(this.result.interrupted ? 'stopped' : 'finished');
    } catch (e) {
      this.set('failed', e instanceof Error ? e.message : String(e));
    }
  }

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'paused' || this.state === 'stopping';
  }

  pause(): void {
    if (this.state !== 'running' || this.gate) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    this.set('paused');
  }

  resume(): void {
    const gate = this.gate;
    if (!gate) return;
    this.gate = undefined;
    if (this.state === 'paused') this.set('running');
    gate.open();
  }

  private stopRequested = false;
  /** The checkpoint taken between the last step and the stop. */
  private stoppedAt?: Checkpoint;

  /** Between steps: keep a checkpoint of where training stops, then stop. */
  private async stopHere(): Promise<void> {
    this.stopRequested = false;
    if (this.start) this.stoppedAt = await this.start.checkpointNow();
    this.stopper.abort();
  }

  stop(): void {
    if (!this.active || this.state === 'stopping') return;
    this.set('stopping');
    if (this.gate) {
      // Paused: training waits inside onStep, so the parameters are still there to save.
      void this.stopHere().then(() => this.resume());
    } else if (this.start) {
      this.stopRequested = true;
    } else {
      this.stopper.abort();
    }
  }

  /** The model at its current parameters: live while training, the result afterwards. */
  model(): TrainedModel | undefined {
    if (this.result) return this.result.trained;
    return this.start?.current();
  }

  /** A checkpoint of the parameters as they are now (mid-epoch too while training). */
  async checkpoint(): Promise<Checkpoint | undefined> {
    if (this.result) return this.result.checkpoint ?? this.stoppedAt ?? this.lastCheckpoint;
    return this.start?.checkpointNow();
  }

  dispose(): void {
    this.result?.trained.dispose();
  }
}
