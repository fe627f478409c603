import { Injectable } from '@nestjs/common';

/**
 * Tracks in-flight requests and the shutdown drain: once draining, readiness is down and new
 * requests are refused, while the ones in flight may finish until the drain deadline.
 */
@Injectable()
export class LifecycleService {
  private inFlight = 0;
  private isDraining = false;
  private started = false;
  private idleWaiters: (() => void)[] = [];
  private readonly controllers = new Set<AbortController>();

  get draining(): boolean {
    return this.isDraining;
  }

  get startupComplete(): boolean {
    return this.started;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  markStarted(): void {
    this.started = true;
  }

  enter(controller: AbortController): void {
    this.inFlight++;
    this.controllers.add(controller);
  }

  leave(controller: AbortController): void {
    this.inFlight--;
    this.controllers.delete(controller);
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Stops taking requests and waits for the in-flight ones, at most `timeoutMs`; true if all ended. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.isDraining = true;
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([idle, deadline]);
    clearTimeout(timer);
    return drained;
  }

  /** Cancels whatever is still in flight (their upstream calls are aborted). */
  abortAll(): void {
    for (const controller of this.controllers) controller.abort();
  }
}
