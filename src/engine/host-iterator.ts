import type { Block, Play, PlayNode, RoleRun, Task } from '../playbook/model.js';

/** The blocks around a task, outermost first: their vars and role reach the task. */
export interface TaskContext {
  readonly blocks: readonly Block[];
  /** The innermost role around the task. */
  readonly role: RoleRun | undefined;
}

/** One step of a play, in play order (`index`): fact gathering, a task, or a handler flush point. */
export type Step =
  | { readonly kind: 'gather_facts'; readonly index: number }
  | { readonly kind: 'task'; readonly index: number; readonly task: Task; readonly context: TaskContext }
  | { readonly kind: 'flush_handlers'; readonly index: number };

/**
 * Where each host of a play is in the play's tree (Ansible's PlayIterator): the steps it has
 * left. A host that fails leaves the play; the strategy decides which step runs next for whom.
 * Tasks that tags do not select are not steps.
 */
export class HostIterator {
  private readonly steps: readonly Step[];
  private readonly position = new Map<string, number>();
  private readonly failed = new Set<string>();

  constructor(play: Play, hosts: readonly string[], selected: (task: Task) => boolean) {
    const steps: Step[] = [];
    if (play.gatherFacts) steps.push({ kind: 'gather_facts', index: 0 });
    const walk = (nodes: readonly PlayNode[], blocks: readonly Block[]): void => {
      for (const node of nodes) {
        if (node.kind === 'block') walk(node.children, [...blocks, node]);
        else if (node.kind === 'flush_handlers') steps.push({ kind: 'flush_handlers', index: steps.length });
        else if (selected(node)) steps.push({ kind: 'task', index: steps.length, task: node, context: { blocks, role: innermostRole(blocks) } });
      }
    };
    walk(play.blocks, []);
    this.steps = steps;
    for (const host of hosts) this.position.set(host, 0);
  }

  /** The host's next step; undefined when it is done or out. */
  peek(host: string): Step | undefined {
    const at = this.position.get(host);
    return at === undefined ? undefined : this.steps[at];
  }

  advance(host: string): void {
    const at = this.position.get(host);
    if (at !== undefined) this.position.set(host, at + 1);
  }

  /** The host failed: it has nothing left in this play (a block's rescue would take it from here). */
  markFailed(host: string): void {
    this.failed.add(host);
    this.position.delete(host);
  }

  isFailed(host: string): boolean {
    return this.failed.has(host);
  }

  /** Hosts that still have a step, in the play's host order. */
  remaining(): string[] {
    return [...this.position.keys()].filter((h) => this.peek(h) !== undefined);
  }
}

function innermostRole(blocks: readonly Block[]): RoleRun | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const role = blocks[i]?.role;
    if (role) return role;
  }
  return undefined;
}
