import type { Vars } from '../util/data.js';
import type { ParamSpec } from './types.js';
import type { WantedAttributes } from './remote-file.js';

/** mode, owner and group: the arguments every file-writing module takes. */
export const ATTRIBUTE_PARAMS: Record<string, ParamSpec> = {
  mode: { type: 'mode' },
  owner: { type: 'str' },
  group: { type: 'str' },
};

export function wantedAttributes(args: Vars): WantedAttributes {
  return {
    mode: args['mode'] === undefined ? undefined : String(args['mode']),
    owner: args['owner'] === undefined ? undefined : String(args['owner']),
    group: args['group'] === undefined ? undefined : String(args['group']),
  };
}
