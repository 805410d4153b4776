import { stringify } from 'yaml';

/**
 * Generators of broken (and sometimes fine) inputs for the fuzz test: inventories, playbooks,
 * templates and host patterns, from a seeded PRNG so a failure can be replayed by its seed.
 */

/** mulberry32: a small, fast, seedable PRNG. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
}

export const GROUPS = ['web', 'db', 'mesos-agents', 'all', 'ungrouped', 'lb'];
export const HOSTS = ['web1', 'web2', 'db-a', 'lb', 'node01', 'x'];

/** Odd strings: pattern and template syntax, YAML and INI specials, a NUL, unicode. */
const ODD = ['[', ']', '~[', '{{', '}}', '{%', '%}', ':', ',', '&', '!', '*', '?', '\u0000', '"', "'", '#', ';', '=', '\\', '\t', 'é', '  ', '-', '[1:', ':]', '|', '>', '@', '{', '}', '%', '&&', '*x', '&a'];

export function oddString(r: Random): string {
  let s = '';
  const n = r.int(0, 4);
  for (let i = 0; i < n; i++) s += r.chance(0.5) ? r.pick(ODD) : r.pick([...GROUPS, ...HOSTS, 'x', '1', 'yes', 'null']);
  return s;
}

/** A value of a random type: the mutations that make a keyword or variable the wrong kind of thing. */
export function randomValue(r: Random, depth = 0): unknown {
  switch (r.int(0, depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.int(-5, 70000);
    case 2:
      return r.chance(0.5);
    case 3:
      return oddString(r);
    case 4:
      return r.pick(['{{ x | default(1) }}', '{{x}', '{{#if a}}', '{{shout x}}', '{% if x %}', '22;x', 'telnet', 'local', 'maybe', '']);
    case 5:
      return 1.5;
    case 6:
      return Array.from({ length: r.int(0, 3) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(0, 3) }, () => [r.pick([...GROUPS, ...HOSTS, 'hosts', 'vars', 'children', oddString(r)]), randomValue(r, depth + 1)]));
  }
}

/** Replaces, drops or adds a random key somewhere in a nested object (in place). */
function mutate(r: Random, node: unknown, keys: readonly string[]): void {
  if (node === null || typeof node !== 'object') return;
  const entries = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
  const target = node as Record<string, unknown>;
  if (entries.length > 0 && r.chance(0.6)) {
    const key = r.pick(entries);
    if (r.chance(0.6)) mutate(r, target[key], keys);
    else if (r.chance(0.7)) target[key] = randomValue(r);
    else delete target[key];
  } else if (!Array.isArray(node)) {
    target[r.chance(0.7) ? r.pick(keys) : oddString(r)] = randomValue(r);
  }
}

/** Breaks YAML text: a random character inserted, removed or a line's indentation changed. */
function corruptText(r: Random, text: string): string {
  if (!r.chance(0.35) || text.length === 0) return text;
  const at = r.int(0, text.length - 1);
  switch (r.int(0, 3)) {
    case 0:
      return text.slice(0, at) + r.pick(['[', '{', '"', "'", ':', '- ', '\t', '&x ', '*x', '|', '\n  bad', '!!python/object x']) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.replace(/\n {2}/, '\n ');
    default:
      return `${text}\nx: &a [*a]\n`;
  }
}

function yamlText(r: Random, data: unknown): string {
  try {
    return corruptText(r, stringify(data));
  } catch {
    return 'all: {}\n';
  }
}

export function yamlInventory(r: Random, port: number): string {
  const inventory: Record<string, unknown> = {
    all: {
      vars: { ansible_user: 'nobody', ansible_host: '127.0.0.1', ansible_port: port },
      hosts: { [r.pick(HOSTS)]: {} },
      children: {
        web: { hosts: { [r.pick(['web[1:2]', 'web[01:03]', 'web[a:c]', 'web[5:1]', 'web[1:3:0]', 'web[x:9]', 'web1'])]: { zookeeper_id: 1 } } },
        db: { hosts: { 'db-a': null }, vars: { ansible_port: port } },
        'mesos-agents': { children: { web: null } },
      },
    },
  };
  const rounds = r.int(0, 3);
  for (let i = 0; i < rounds; i++) mutate(r, inventory, ['hosts', 'vars', 'children', 'ansible_port', 'ansible_connection', 'ansible_host', 'ansible_become', 'host']);
  return yamlText(r, inventory);
}

export function iniInventory(r: Random, port: number): string {
  const lines = [`${r.pick(HOSTS)} ansible_host=127.0.0.1 ansible_port=${port}`];
  const count = r.int(1, 12);
  for (let i = 0; i < count; i++) {
    lines.push(
      r.pick([
        `[${r.pick(GROUPS)}]`,
        `[${r.pick(GROUPS)}:vars]`,
        `[${r.pick(GROUPS)}:children]`,
        `[${r.pick(GROUPS)}:other]`,
        `[${r.pick(GROUPS)}`,
        `${r.pick(HOSTS)} ansible_host=127.0.0.1 ansible_port=${port}`,
        `web[${r.int(0, 3)}:${r.int(0, 3)}] ansible_port=${r.pick([String(port), '"22;x"', '0', 'x'])}`,
        `${r.pick(GROUPS)}`,
        `ansible_connection=${r.pick(['ssh', 'local', 'telnet'])}`,
        `x=${oddString(r)}`,
        `${oddString(r)} ${oddString(r)}`,
        `h1 'unclosed`,
        `h2:99999`,
        '# comment',
        '',
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

const MODULES = ['debug', 'command', 'shell', 'copy', 'template', 'file', 'lineinfile', 'blockinfile', 'stat', 'set_fact', 'assert', 'fail', 'raw', 'copyy', 'include_tasks', 'block'];
const TASK_KEYS = ['name', 'when', 'loop', 'with_items', 'loop_control', 'register', 'notify', 'listen', 'changed_when', 'failed_when', 'ignore_errors', 'tags', 'become', 'become_user', 'vars', 'no_log', 'check_mode', 'diff', 'args', 'action', 'delegate_to'];
const PLAY_KEYS = ['name', 'hosts', 'vars', 'vars_files', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles', 'gather_facts', 'become', 'become_user', 'remote_user', 'tags', 'connection', 'serial'];

function randomTask(r: Random): Record<string, unknown> {
  const module = r.pick(MODULES);
  const args = r.pick<unknown>([
    'msg=hi',
    { msg: '{{ inventory_hostname }}' },
    { dest: '/tmp/provision-fuzz-never-written', content: r.pick(['x', '{{x | upper}}', '{{#each xs}}{{this}}{{/each}}']) },
    { src: r.pick(['missing.hbs', 'hosts.hbs', '{{ tpl }}', 'a\u0000b']), dest: '/tmp/provision-fuzz-never-written' },
    { path: '/tmp/provision-fuzz-never-written', state: r.pick(['touch', 'folder', '{{s}}']), mode: r.pick(['0644', 'u=rw', 'bad', 420]) },
    'echo hi creates=/tmp/x',
    { that: r.pick(['x == 1', 'x ==', '(a and', 'x is defined', 'x | default(1) > 0']) },
    { var: r.pick(['x', 'x.y', '1 +']) },
    randomValue(r),
  ]);
  const task: Record<string, unknown> = { name: r.pick(['a task', '{{ x }}', '{{x}', 'name {% if %}']), [module]: args };
  for (let i = r.int(0, 2); i > 0; i--) task[r.pick(TASK_KEYS)] = r.pick<unknown>(['x == 1', 'x ==', ['a', 'b'], '{{ xs }}', 'restart', { loop_var: 'h' }, randomValue(r)]);
  return task;
}

export interface PlaybookFiles {
  /** File name (in the case's directory) to text; the playbook is `site.yml`. */
  readonly files: Record<string, string>;
}

export function playbook(r: Random): PlaybookFiles {
  const play: Record<string, unknown> = {
    hosts: r.pick(['all', 'web', 'web[0]', 'web[9]', '~web.*', '~[', 'a[b', 'all:!db', 'web:&db', '{{ target }}', ['web', 'db'], 'nothing']),
    gather_facts: r.pick([false, 'no', 'maybe']),
    tasks: Array.from({ length: r.int(0, 3) }, () => randomTask(r)),
  };
  if (r.chance(0.3)) play['handlers'] = [{ name: 'restart', debug: 'msg=handled' }];
  if (r.chance(0.3)) play['vars_files'] = r.pick<unknown>([['vars.yml'], ['bad-vars.yml'], ['missing.yml'], 'vars.yml', [['missing.yml', 'vars.yml']], ['{{ env }}.yml'], [{ a: 1 }]]);
  if (r.chance(0.3)) play['roles'] = r.pick<unknown>([['a'], ['c'], ['missing'], [{ role: 'c', tags: 'x' }], [{ role: 'c', when: 'x' }], 'c', [5]]);
  if (r.chance(0.3)) play['vars'] = { x: 1, xs: [1, 2], greeting: r.pick(['hi {{x}}', "{{ x | default('a') }}", '{{#if x}}open']) };
  for (let i = r.int(0, 2); i > 0; i--) mutate(r, play, PLAY_KEYS);
  const plays: unknown[] = [play];
  if (r.chance(0.2)) plays.push({ import_playbook: r.pick(['site.yml', 'other.yml', 'missing.yml', '{{ x }}.yml']) });
  if (r.chance(0.2)) plays.push(randomValue(r));
  return {
    files: {
      'site.yml': yamlText(r, plays),
      'other.yml': yamlText(r, [{ import_playbook: 'site.yml' }]),
      'vars.yml': 'x: 2\n',
      'bad-vars.yml': r.pick(['x: [\n', 'x: "a\n', '- a list\n', 'a: &a [*a]\n']),
      'templates/hosts.hbs': template(r),
      'roles/a/meta/main.yml': 'dependencies: [b]\n',
      'roles/b/meta/main.yml': 'dependencies:\n  - role: a\n',
      'roles/a/tasks/main.yml': '- debug: msg=a\n',
      'roles/b/tasks/main.yml': '- debug: msg=b\n',
      'roles/c/tasks/main.yml': r.pick(['- debug: msg=c\n', '- copyy: {}\n', 'not a list\n', '- debug: msg="{{ c | default(1) }}"\n']),
      'roles/c/meta/main.yml': r.pick(['', 'dependencies: [missing]\n', 'dependencies: 5\n', 'allow_duplicates: yes\n']),
    },
  };
}

const FRAGMENTS = [
  'text ', '\n', '{{x}}', '{{ x }}', '{{#if x}}', '{{/if}}', '{{else}}', '{{#each xs}}', '{{/each}}', '{{this}}', '{{@index}}', '{{join xs ","}}',
  '{{default missing "d"}}', '{{int "3"}}', '{{shout x}}', '{{x | default("a")}}', "{{ groups['all'] }}", '{% if x %}', '{% endif %}', '{# c #}',
  '{{', '}}', '{{{x}}}', '{{!-- c --}}', '{{> part}}', '{{* deco}}', '{{"unclosed}}', '(', '{{add x (sub 1)}}', '{{hostvar "h" "a.b"}}',
  '{{file "missing.txt"}}', '{{lookup xs 0}}', '{{#with x}}{{/with}}', '{{#unless x}}', '{{/unless}}', '{{ip_subnet "10.0.0.0/8" 24 x}}',
  '{{div x 0}}', '{{round x "y"}}', '{{x.[0]}}', '{{../x}}', '{{~x~}}', '\\{{x}}', '{{^}}', '{{#x}}', '{{/x}}',
];

export function template(r: Random): string {
  return Array.from({ length: r.int(1, 8) }, () => r.pick(FRAGMENTS)).join('');
}

/** A --limit or hosts pattern: names, globs, regexes, ranges, subscripts, & and ! in combinations. */
export function hostPattern(r: Random): string {
  const term = (): string => {
    const base = r.pick([
      ...GROUPS, ...HOSTS, '*', 'web*', 'we?1', 'web[12]', 'web[!1]', 'web[a-c]', 'web[z-a]', '[', ']', '',
      `~${r.pick(['web.*', '[', '(', '*', 'a{2,1}', '(?P<n>x)(?P=n)', '\\', '^db', '(?i)WEB', 'a+?', ')', '[z-a]'])}`,
      oddString(r),
    ]);
    const subscript = r.chance(0.3) ? r.pick(['[0]', '[-1]', '[9]', '[-9]', '[1:]', '[0:1]', '[2:0]', '[1-2]', '[x]', '[', '[1:3:1]']) : '';
    return `${r.pick(['', '', '', '&', '!'])}${base}${subscript}`;
  };
  return Array.from({ length: r.int(1, 4) }, term).join(r.pick([':', ',', ':', ', ', '::']));
}
