// The first event axis of the runtime layout [particles, batch, ...event] (runtime/layout.ts),
// in a module without tensors so that lowering can name it without loading TensorFlow.js.
export const EVENT_AXIS = 2;
