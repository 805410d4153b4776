import { shellQuote } from '../util/shlex.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, failure, type Plan } from './plan.js';

export interface HostnameState {
  /** How Ansible would manage it on this host: systemd (hostnamectl) when systemd runs, else Debian's /etc/hostname. */
  readonly strategy: 'systemd' | 'debian';
  readonly current: string;
  readonly permanent: string;
}

/**
 * The host's names as the module reads them: with systemd as init (Ansible's test: systemctl and
 * /run/systemd/system), hostnamectl's transient and static names; else /etc/hostname's text.
 */
export function hostnameFact(use: 'systemd' | 'debian' | undefined): Fact<HostnameState> {
  const detect = use === undefined ? 'if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then s=systemd; else s=debian; fi' : `s=${use}`;
  return {
    key: `hostname ${use ?? ''}`,
    command: [
      detect,
      'echo "strategy $s"',
      'if [ "$s" = systemd ]; then echo "current $(hostnamectl --transient status)"; echo "permanent $(hostnamectl --static status)"; ',
      'else h=; if [ -f /etc/hostname ]; then h=$(cat /etc/hostname); fi; h=$(printf %s "$h" | tr -d "\\n" | sed "s/^[[:space:]]*//;s/[[:space:]]*$//"); echo "current $h"; echo "permanent $h"; fi',
    ].join('\n'),
    parse(output) {
      const field = (name: string): string => output.split('\n').find((l) => l.startsWith(`${name} `) || l === name)?.slice(name.length + 1) ?? '';
      return { strategy: field('strategy') === 'systemd' ? 'systemd' : 'debian', current: field('current').trim(), permanent: field('permanent').trim() };
    },
  };
}

/** Ansible's hostname module, with the strategies a Debian host gets (systemd, or the /etc/hostname file). */
export const hostnameModule = defineModule({
  name: 'hostname',
  description: 'Sets the host\'s name: with hostnamectl (static, pretty and transient) where systemd runs, else in /etc/hostname, as Ansible does on Debian.',
  args: {
    args: {
      name: { type: 'str', required: true, description: 'The host name.' },
      use: { type: 'str', choices: ['systemd', 'debian'], description: 'The strategy; by default systemd when systemd is the init system, else debian (the /etc/hostname file).' },
    },
  },
  facts: (args) => ({ names: hostnameFact(args.use as 'systemd' | 'debian' | undefined) }),
  plan(args, facts): Plan {
    const { strategy, current, permanent } = facts.names;
    const name = args.name;
    const q = shellQuote(name);
    const changes: Change[] = [];
    if (strategy === 'systemd') {
      if ((permanent !== name || current !== name) && name.length > 64) return failure('name cannot be longer than 64 characters on systemd servers, try a shorter name');
      // The permanent name first, as Ansible does (NetworkManager complains otherwise).
      if (permanent !== name) changes.push({ kind: 'script', what: `set the static hostname to ${name}`, script: `hostnamectl --pretty --static set-hostname -- ${q}` });
      if (current !== name) changes.push({ kind: 'script', what: `set the transient hostname to ${name}`, script: `hostnamectl --transient set-hostname -- ${q}` });
    } else if (permanent !== name) {
      // Debian's file strategy writes /etc/hostname only; the running name stays until a reboot.
      changes.push({ kind: 'write', what: `write /etc/hostname (${name})`, path: '/etc/hostname', content: Buffer.from(`${name}\n`) });
    }
    const before = current !== name ? current : permanent;
    const facts_ = { ansible_hostname: name.split('.')[0] ?? name, ansible_nodename: name };
    return {
      changes,
      result: { name, ansible_facts: facts_ },
      facts: facts_,
      ...(changes.length > 0 ? { diff: [{ path: '', before: `hostname = ${before}\n`, after: `hostname = ${name}\n` }] } : {}),
    };
  },
});
