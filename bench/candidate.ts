// What the speed benchmark times: one named training step, repeatable, and its cleanup.
export interface SpeedCandidate {
  name: string;
  /** One training step. Must finish its work before returning (sync backends: wasm, cpu, node). */
  step: () => number | void;
  dispose(): void;
}
