/**
 * The time source of every resilience building block: non-negative milliseconds on a monotonic-enough scale
 * (`Date.now` in production). Injected so that specs drive time with a fake clock instead of
 * sleeping, and so that a whole executor can share one clock.
 */
export type Clock = () => number;
