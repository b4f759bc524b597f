import { ProgressChannel, type ProgressReceiver, type ProgressUpdate } from './progress-channel';

/** Zero-setup mode: the work and its subscribers share the one process. */
export class MemoryProgressChannel extends ProgressChannel {
  private readonly receivers = new Map<string, Set<ProgressReceiver>>();

  publish(topic: string, update: ProgressUpdate): void {
    for (const receive of this.receivers.get(topic) ?? []) {
      try {
        receive({ ...update });
      } catch {
        // A subscriber's trouble is never the work's.
      }
    }
  }

  async listen(topic: string, receive: ProgressReceiver): Promise<() => void> {
    const receivers = this.receivers.get(topic) ?? new Set<ProgressReceiver>();
    this.receivers.set(topic, receivers);
    receivers.add(receive);
    return () => {
      receivers.delete(receive);
      if (receivers.size === 0 && this.receivers.get(topic) === receivers) this.receivers.delete(topic);
    };
  }
}
