import { AsyncResource } from 'node:async_hooks';

type AnyFunction = (...args: never[]) => unknown;
type BindFn = <F extends AnyFunction>(this: AsyncResource, fn: F, thisArg?: unknown) => F;

let applied = false;

/**
 * Node 20's `AsyncResource#bind` gives every bound function the deprecated `asyncResource`
 * accessor (DEP0172), two `deprecate()` wrappers and a property redefinition, about 16 us per call
 * on this machine. Fastify binds one function per request body it parses, so on Node 20 that was
 * the most expensive single step of a request. Node 22 removed the accessor (DEP0172 end of life);
 * this installs the same `bind` (same async scope, same `length`) where the running Node still has
 * it, and does nothing on a Node that no longer defines the accessor. No dependency reads it.
 *
 * Returns whether the replacement was installed by this call.
 */
export function backportAsyncResourceBind(): boolean {
  if (applied) return false;
  applied = true;
  const probe = new AsyncResource('llm-gateway:probe').bind(() => undefined);
  if (Object.getOwnPropertyDescriptor(probe, 'asyncResource') === undefined) return false;

  const bind: BindFn = function bind(fn, thisArg) {
    if (typeof fn !== 'function') {
      throw Object.assign(new TypeError('The "fn" argument must be of type function'), {
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the resource the scope runs in
    const resource = this;
    const run = (self: unknown, args: unknown[]): unknown =>
      resource.runInAsyncScope(fn as unknown as (...a: unknown[]) => unknown, self, ...args);
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return run(this, args);
          }
        : (...args: unknown[]) => run(thisArg, args);
    Object.defineProperty(bound, 'length', {
      configurable: true,
      enumerable: false,
      value: fn.length,
      writable: false,
    });
    return bound as unknown as typeof fn;
  };
  AsyncResource.prototype.bind = bind as typeof AsyncResource.prototype.bind;
  return true;
}
