import type { Vars } from '../util/data.js';

/**
 * What set_fact stores, as ansible-core's set_fact action does it (jinja2_native off): a value
 * that is the text true, false, yes or no (any case) becomes a boolean; other text stays text.
 */
export function setFactValues(facts: Vars): Vars {
  const out: Vars = {};
  for (const [name, value] of Object.entries(facts)) {
    const text = typeof value === 'string' ? value.toLowerCase() : undefined;
    out[name] = text === 'true' || text === 'yes' ? true : text === 'false' || text === 'no' ? false : value;
  }
  return out;
}
