/** The error a promise (or function) fails with; fails the test when it does not fail. */
export async function caught(run: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
}
