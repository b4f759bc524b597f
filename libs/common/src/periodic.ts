/** A task run every few milliseconds, never two rounds at once. */
export interface PeriodicTask {
  /** Stops the timer and waits for a round that is running. */
  stop(): Promise<void>;
}

/** Runs `task` every `intervalMs` (the timer does not keep the process alive); a round's error is the task's to report. */
export function runPeriodically(intervalMs: number, task: () => Promise<unknown>): PeriodicTask {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .then(() => undefined)
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
