/**
 * Drive a sliced computation (a generator that yields between slices, e.g. core clusterSteps) to
 * its result, resuming it on the next turn of the event loop after each slice: a server doing long
 * CPU work keeps answering requests meanwhile.
 */
export async function runInSlices<T>(steps: Generator<void, T, void>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise((res) => setImmediate(res));
  }
}
