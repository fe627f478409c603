import type { Clock } from '../clock';

/** Spec helper (not exported from the lib): a clock that moves only when told to. */
export class FakeClock {
  constructor(public time = 0) {}

  /** the clock function to inject */
  readonly now: Clock = () => this.time;

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.time += ms;
  }
}
