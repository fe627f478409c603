import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { backportAsyncResourceBind } from './async-resource-bind';

describe('backportAsyncResourceBind', () => {
  const nodeMajor = Number(process.versions.node.split('.')[0]);

  beforeAll(() => {
    backportAsyncResourceBind();
  });

  it('installs once: a second call changes nothing', () => {
    expect(backportAsyncResourceBind()).toBe(false);
  });

  it('runs the bound function in the async context of the resource', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('request-1', () =>
      new AsyncResource('test').bind(() => storage.getStore()),
    );
    const seen = await storage.run(
      'request-2',
      () => new Promise((r) => setImmediate(() => r(bound()))),
    );
    expect(seen).toBe('request-1');
  });

  it('passes arguments, the call-site this, and the return value; keeps length', () => {
    const resource = new AsyncResource('test');
    function add(this: { base: number }, a: number, b: number): number {
      return this.base + a + b;
    }
    const bound = resource.bind(add);
    expect(bound.length).toBe(2);
    expect(bound.call({ base: 10 }, 1, 2)).toBe(13);
    // Node's bind(fn, thisArg); @types/node declares only bind(fn)
    const bindWithThis = resource.bind.bind(resource) as unknown as (
      fn: typeof add,
      thisArg: { base: number },
    ) => (a: number, b: number) => number;
    expect(bindWithThis(add, { base: 100 })(1, 2)).toBe(103);
  });

  it('rejects a non-function like Node does', () => {
    const resource = new AsyncResource('test');
    // matched by message: another test file in this worker may have installed it from its own realm
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(/must be of type function/);
  });

  it('no longer defines the deprecated asyncResource accessor', () => {
    const bound = new AsyncResource('test').bind(() => undefined);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
    if (nodeMajor >= 22) expect(backportAsyncResourceBind()).toBe(false);
  });
});
