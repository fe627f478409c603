/** A location inside the configuration tree: mapping keys and list indexes, outermost first. */
export type ConfigPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** Renders a path the way a reader finds it in the YAML: `providers[1].timeouts.connectMs`. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(root)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
