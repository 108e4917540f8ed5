// Whether the compiled step uses its fused formulations (dense layers with the weights on the
// left, the Normal-Normal KL as one op) or the plain ops with tfjs autodiff. On by default; the
// plain path is the reference the tests compare gradients against, and a way to rule the fused
// ops out when a result looks wrong.
let fused = true;

export function useFusedOps(on: boolean): void {
  fused = on;
}

export function fusedOps(): boolean {
  return fused;
}
