// Request counters, readable in-process (RunningEmulator.stats()) and over HTTP
// (GET /__emulator/stats) so benchmarks and tests can check how a client behaved.

export interface EmulatorStats {
  requestsByAction: Record<string, number>;
  /** Highest number of concurrent requests per action, from arrival to the end of the response. */
  maxInFlightByAction: Record<string, number>;
  throttledByAction: Record<string, number>;
  /** Injected faults (fault rate, failAction, failRegion) per action. */
  faultsByAction: Record<string, number>;
  requestsByRegion: Record<string, number>;
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

export class StatsRecorder {
  private data: EmulatorStats = StatsRecorder.empty();
  private readonly inFlight = new Map<string, number>();

  static empty(): EmulatorStats {
    return { requestsByAction: {}, maxInFlightByAction: {}, throttledByAction: {}, faultsByAction: {}, requestsByRegion: {} };
  }

  request(action: string, region: string): void {
    bump(this.data.requestsByAction, action);
    bump(this.data.requestsByRegion, region);
  }

  /** Marks a request in flight; returns the function that ends it (idempotent). */
  enter(action: string): () => void {
    const now = (this.inFlight.get(action) ?? 0) + 1;
    this.inFlight.set(action, now);
    if (now > (this.data.maxInFlightByAction[action] ?? 0)) this.data.maxInFlightByAction[action] = now;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight.set(action, (this.inFlight.get(action) ?? 1) - 1);
    };
  }

  throttled(action: string): void {
    bump(this.data.throttledByAction, action);
  }

  fault(action: string): void {
    bump(this.data.faultsByAction, action);
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.data);
  }

  /** Clears the counters; requests still in flight keep counting from zero. */
  reset(): void {
    this.data = StatsRecorder.empty();
    for (const [action, n] of this.inFlight) if (n > 0) this.data.maxInFlightByAction[action] = n;
  }
}
