export type Subscriber<E> = (event: E) => void;

/**
 * A synchronous, typed publish/subscribe channel: every subscriber sees every event, in the
 * order emitted, before emit() returns.
 */
export class EventBus<E> {
  private subscribers: readonly Subscriber<E>[] = [];

  /** Returns a function that unsubscribes. */
  subscribe(subscriber: Subscriber<E>): () => void {
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  }

  /**
   * One subscriber's failure must not keep the event from the others (the stats must count every
   * result even if a display breaks), so all are called before the first failure is rethrown.
   */
  emit(event: E): void {
    let failure: { error: unknown } | undefined;
    for (const subscriber of this.subscribers) {
      try {
        subscriber(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
