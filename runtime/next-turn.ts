// Let pending events (a signal, a timer, a click) run between synchronous steps of work. Node's
// setImmediate where there is one; elsewhere (a browser) a zero-delay timeout.

export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
