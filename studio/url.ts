/**
 * The studio's set-up in its URL, so that a link reproduces a run: `?density=moons&seed=3&layers=8&hidden=64&lr=0.001`
 * (`&backend=webgl` for another TensorFlow.js backend than wasm, `&t=0.7` for the flow's sample temperature),
 * `?panel=em&density=grid25&k=25` (`&mixture=bayesian` for variational Bayes),
 * or a family panel's kind, data and options: `?panel=vae&kind=beta-vae&data=mnist&o.beta=4`
 * (an option by its name, `o.` before it, its value as the command line's flag takes it).
 * Values that are absent take the defaults; values that are malformed are refused with a message naming them.
 */
import { TOY2D_NAMES } from '../src/data/toy2d.js';
import { FLOW_ARCHS } from '../src/families/flow/config.js';
import { MIXTURE_FITS, PANELS, STUDIO_BACKENDS, type StudioSetup } from './protocol.js';

/** The set-up of a fresh page: the flow family's 2-D defaults on two moons. */
export const DEFAULT_SETUP: StudioSetup = {
  panel: 'flow',
  backend: 'wasm',
  density: 'moons',
  seed: 0,
  arch: 'realnvp',
  layers: 8,
  hidden: 64,
  learningRate: 1e-3,
  batchSize: 256,
  temperature: 1,
  components: 8,
  mixture: 'em',
  kind: '',
  data: '',
  options: {},
};

/** The URL parameter of each scalar field of the set-up (the options go as `o.NAME`). */
const KEYS: Record<Exclude<keyof StudioSetup, 'options'>, string> = {
  panel: 'panel',
  backend: 'backend',
  density: 'density',
  seed: 'seed',
  arch: 'arch',
  layers: 'layers',
  hidden: 'hidden',
  learningRate: 'lr',
  batchSize: 'batch',
  temperature: 't',
  components: 'k',
  mixture: 'mixture',
  kind: 'kind',
  data: 'data',
};

/** The range of the flow's sample temperature `t`, as the page's slider offers it. */
export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 2;

/** The prefix of a family option's URL parameter. */
const OPTION_PREFIX = 'o.';

/** One of `choices` from the URL parameter `key`. */
function oneOf<T extends string>(value: string, key: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new RangeError(`URL parameter '${key}' must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

/** An integer in [min, max] from the URL parameter `key`. */
function integer(value: string, key: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new RangeError(`URL parameter '${key}' must be an integer in [${min}, ${max}], got '${value}'`);
  return n;
}

/**
 * The set-up that the query string `search` describes (`location.search`), defaults filled in.
 *
 * @example
 * setupFromQuery('?density=ring8&seed=2'); // { ...DEFAULT_SETUP, density: 'ring8', seed: 2 }
 */
export function setupFromQuery(search: string): StudioSetup {
  const params = new URLSearchParams(search);
  const setup: StudioSetup = { ...DEFAULT_SETUP, options: {} };
  const get = (field: keyof typeof KEYS) => params.get(KEYS[field]);
  const panel = get('panel');
  if (panel !== null) setup.panel = oneOf(panel, 'panel', PANELS);
  const backend = get('backend');
  if (backend !== null) setup.backend = oneOf(backend, 'backend', STUDIO_BACKENDS);
  const density = get('density');
  if (density !== null) setup.density = oneOf(density, 'density', TOY2D_NAMES);
  const seed = get('seed');
  // Any seed the command line takes, so that a CLI run opened in the page keeps a URL the page reads back.
  if (seed !== null) setup.seed = integer(seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const arch = get('arch');
  if (arch !== null) setup.arch = oneOf(arch, 'arch', FLOW_ARCHS);
  const layers = get('layers');
  if (layers !== null) setup.layers = integer(layers, 'layers', 1, 32);
  const hidden = get('hidden');
  if (hidden !== null) setup.hidden = integer(hidden, 'hidden', 1, 512);
  const batch = get('batchSize');
  if (batch !== null) setup.batchSize = integer(batch, 'batch', 2, 4096);
  const temperature = get('temperature');
  if (temperature !== null) {
    const t = Number(temperature);
    if (!(t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE) || temperature.trim() === '')
      throw new RangeError(
        `URL parameter 't' must be a number in [${MIN_TEMPERATURE}, ${MAX_TEMPERATURE}], got '${temperature}'`,
      );
    setup.temperature = t;
  }
  const mixture = get('mixture');
  if (mixture !== null) setup.mixture = oneOf(mixture, 'mixture', MIXTURE_FITS);
  const components = get('components');
  if (components !== null) setup.components = integer(components, 'k', 1, 50);
  const lr = get('learningRate');
  if (lr !== null) {
    const rate = Number(lr);
    if (!(rate > 0 && rate < 1) || lr.trim() === '')
      throw new RangeError(`URL parameter 'lr' must be a number in (0, 1), got '${lr}'`);
    setup.learningRate = rate;
  }
  // A family panel's kind, data and options are checked by the worker, against the family's own declarations.
  const word = (key: 'kind' | 'data') => {
    const value = get(key);
    if (value === null) return;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(value))
      throw new RangeError(
        `URL parameter '${key}' must be a name such as ${key === 'kind' ? 'beta-vae' : 'moons'}, got '${value}'`,
      );
    setup[key] = value;
  };
  word('kind');
  word('data');
  for (const [key, value] of params)
    if (key.startsWith(OPTION_PREFIX)) {
      const name = key.slice(OPTION_PREFIX.length);
      if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name))
        throw new RangeError(`URL parameter '${key}' does not name an option (o.latent, o.beta, ...)`);
      setup.options[name] = value;
    }
  return setup;
}

/** The query string of a set-up, with only what differs from the defaults (`?` alone when nothing does). */
export function queryOfSetup(setup: StudioSetup): string {
  const params = new URLSearchParams();
  for (const field of Object.keys(KEYS) as Array<keyof typeof KEYS>)
    if (setup[field] !== DEFAULT_SETUP[field]) params.set(KEYS[field], String(setup[field]));
  for (const [name, value] of Object.entries(setup.options)) params.set(`${OPTION_PREFIX}${name}`, value);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
