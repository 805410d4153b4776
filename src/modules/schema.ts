/**
 * A module's argument schema: the one list that validates arguments before the first connection,
 * types the module's code, and generates the module reference and the editors' JSON Schema.
 */

/** `path` is a string, as Ansible's; `mode` an octal or symbolic file mode; `raw` anything. */
export type ArgType = 'str' | 'path' | 'bool' | 'int' | 'list' | 'dict' | 'mode' | 'raw';

export interface ArgSpec {
  readonly type: ArgType;
  /** One sentence for the reference. */
  readonly description: string;
  readonly required?: boolean;
  readonly choices?: readonly string[];
  readonly aliases?: readonly string[];
  readonly default?: unknown;
}

export type ArgSpecs = Readonly<Record<string, ArgSpec>>;

export interface ArgsSchema<S extends ArgSpecs = ArgSpecs> {
  readonly args: S;
  /** No two of each group may be given (Ansible's mutually_exclusive). */
  readonly mutuallyExclusive?: readonly (readonly (keyof S & string)[])[];
  /** At least one of each group must be given (required_one_of). */
  readonly requiredOneOf?: readonly (readonly (keyof S & string)[])[];
  /** [arg, value, needed]: when arg has that value, every needed argument must be given (required_if). */
  readonly requiredIf?: readonly (readonly [keyof S & string, unknown, readonly (keyof S & string)[]])[];
  /** A free-form module takes a command line (`_raw_params`) plus these `k=v` keys. */
  readonly freeForm?: readonly (keyof S & string)[];
  /** Any argument name is allowed (set_fact): the schema lists only the special ones. */
  readonly anyArgs?: boolean;
  /** Arguments that are conditions or variable names, evaluated by the module, never templated. */
  readonly rawArgs?: readonly (keyof S & string)[];
  /** Ansible's arguments (and aliases) that provision does not implement: refused by name, never ignored. */
  readonly notImplemented?: readonly string[];
}

/** Ansible's file arguments for SELinux, attributes and unsafe writes, which provision does not implement. */
export const UNIMPLEMENTED_FILE_ARGS = ['attributes', 'attr', 'seuser', 'serole', 'setype', 'selevel', 'unsafe_writes'] as const;

type ValueOf<T extends ArgType> = T extends 'str' | 'path' | 'mode'
  ? string
  : T extends 'bool'
    ? boolean
    : T extends 'int'
      ? number
      : T extends 'list'
        ? unknown[]
        : T extends 'dict'
          ? Record<string, unknown>
          : unknown;

/** An argument with choices is one of them. */
type ArgValue<A extends ArgSpec> = A extends { choices: readonly (infer C extends string)[] } ? C : ValueOf<A['type']>;

/** The typed arguments a module's code receives: given or defaulted ones are never undefined. */
export type ArgsOf<S extends ArgSpecs> = {
  readonly [K in keyof S]: S[K] extends { required: true } | { default: NonNullable<unknown> } ? ArgValue<S[K]> : ArgValue<S[K]> | undefined;
};

/** mode, owner and group: the arguments of every module that writes files (Ansible's file common args). */
export const FILE_ATTRIBUTE_ARGS = {
  mode: { type: 'mode', description: 'The permissions the file gets: octal ("0644", or 0644 unquoted in YAML 1.1) or symbolic ("u=rw,g=r,o=r").' },
  owner: { type: 'str', description: 'The user that owns the file, by name or uid.' },
  group: { type: 'str', description: 'The group that owns the file, by name or gid.' },
} as const satisfies ArgSpecs;
