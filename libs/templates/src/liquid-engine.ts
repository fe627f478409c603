import { Liquid, type FS } from 'liquidjs';

/** Tags that read other templates from disk; a prompt is one self-contained file. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

function refuse(): never {
  throw new Error('prompt templates cannot read files');
}

/** A file system that refuses everything: defence in depth behind the removed file tags. */
const NO_FS: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => refuse(),
  readFileSync: () => refuse(),
  resolve: () => refuse(),
  contains: async () => false,
  containsSync: () => false,
};

/**
 * The Liquid engine prompts are parsed and rendered with:
 * - `strictVariables`: a variable that is not set is an error, never an empty string;
 *   `lenientIf` lets `{% if optional_var %}` and `| default:` test an optional variable;
 * - `strictFilters`: an unknown filter is a parse error;
 * - `ownPropertyOnly`: `{{ x.constructor }}` and friends do not reach prototypes;
 * - no output escaping: a prompt is not HTML, `<b>&` stays `<b>&`;
 * - no file access: `include`, `render` and `layout` are not tags (a parse error at load), and
 *   the engine's file system refuses every read.
 * Values are data: Liquid never parses a variable's value as template text.
 */
export function createLiquid(): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    outputEscape: undefined,
    fs: NO_FS,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    cache: false,
  });
  for (const tag of FILE_TAGS) delete liquid.tags[tag];
  return liquid;
}
