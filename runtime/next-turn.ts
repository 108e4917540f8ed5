// Let pending events (a signal, a timer, a click) run between synchronous steps of work. Node's
// setImmediate where there is one; in a browser a message to itself, which, unlike a zero-delay
// timeout, is neither clamped to 4 ms when nested nor throttled to once a second in a
// background tab; a zero-delay timeout elsewhere.

const channel = typeof setImmediate !== 'function' && typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const waiting: (() => void)[] = [];
if (channel) channel.port1.onmessage = () => waiting.shift()?.();

export function nextTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise<void>((resolve) => setImmediate(resolve));
  if (channel) {
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  }
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}
