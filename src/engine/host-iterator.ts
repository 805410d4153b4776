import type { Block, Play, PlayNode, RoleRun, Task } from '../playbook/model.js';

/** The blocks around a task, outermost first: their vars and role reach the task. */
export interface TaskContext {
  readonly blocks: readonly Block[];
  /** The innermost role around the task. */
  readonly role: RoleRun | undefined;
}

/** One step of a play: fact gathering, a task (meta tasks included), or an implicit handler flush point. Each step is its own object: lockstep compares them by identity. */
export type Step =
  | { readonly kind: 'gather_facts' }
  | { readonly kind: 'task'; readonly task: Task; readonly context: TaskContext }
  | { readonly kind: 'flush_handlers' };

/** A block as the iterator walks it: its sections hold steps and inner blocks. */
interface IterBlock {
  readonly block: readonly Item[];
  readonly rescue: readonly Item[];
  readonly always: readonly Item[];
}
type Item = Step | IterBlock;
const isBlock = (item: Item): item is IterBlock => 'block' in item;

/** PlayIterator's IteratingStates. */
const enum Run {
  SETUP,
  TASKS,
  RESCUE,
  ALWAYS,
  COMPLETE,
}

/** PlayIterator's FailedStates (bits). */
const enum Failed {
  NONE = 0,
  SETUP = 1,
  TASKS = 2,
  RESCUE = 4,
  ALWAYS = 8,
}

/** Where one host is in a list of blocks (ansible-core's HostState); a child state walks an inner block. */
export class HostState {
  curBlock = 0;
  curRegular = 0;
  curRescue = 0;
  curAlways = 0;
  run = Run.SETUP;
  fail = Failed.NONE;
  pendingSetup = false;
  tasksChild: HostState | undefined;
  rescueChild: HostState | undefined;
  alwaysChild: HostState | undefined;
  didRescue = false;

  constructor(public blocks: readonly IterBlock[]) {}

  copy(): HostState {
    const s = new HostState(this.blocks);
    Object.assign(s, this);
    s.tasksChild = this.tasksChild?.copy();
    s.rescueChild = this.rescueChild?.copy();
    s.alwaysChild = this.alwaysChild?.copy();
    return s;
  }
}

/**
 * Where each host of a play is in the play's tree: a port of ansible-core 2.14's PlayIterator.
 * A host that fails in a block goes to its rescue, then its always; a rescued host goes on
 * with the next block; a failure not rescued ends the host's play (after the always sections
 * around it). Tasks that tags do not select are not steps; blocks left empty are dropped.
 */
export class HostIterator {
  /** Every step in play order (Ansible's all_tasks): the linear strategy's lockstep walks it. */
  readonly allSteps: Step[] = [];
  /** The lockstep cursor into allSteps. */
  cursor = 0;
  private readonly states = new Map<string, HostState>();
  private readonly gatherStep: Step | undefined;

  constructor(play: Play, hosts: readonly string[], selected: (task: Task) => boolean, forceHandlers = false) {
    const blocks: IterBlock[] = [];
    this.gatherStep = play.gatherFacts ? { kind: 'gather_facts' } : undefined;
    // The setup block is always first, as PlayIterator injects it.
    blocks.push({ block: this.gatherStep ? [this.gatherStep] : [], rescue: [], always: [] });
    if (this.gatherStep) this.allSteps.push(this.gatherStep);
    this.selected = selected;
    const convert = (nodes: readonly PlayNode[], around: readonly Block[]): Item[] => this.convert(nodes, around, this.allSteps);
    // Each top-level node is a block of the play (Play.compile()); a flush point is a block of
    // its own, or with force_handlers the always section of a block around its section.
    let section: Item[] = [];
    for (const item of convert(play.blocks, [])) {
      if (!forceHandlers) blocks.push(isBlock(item) ? item : { block: [item], rescue: [], always: [] });
      else if (!isBlock(item) && item.kind === 'flush_handlers') {
        blocks.push({ block: section, rescue: [], always: [item] });
        section = [];
      } else section.push(item);
    }
    if (section.length > 0) blocks.push({ block: section, rescue: [], always: [] });
    for (const host of hosts) this.states.set(host, new HostState(blocks));
  }

  private readonly selected: (task: Task) => boolean;

  /** Nodes as the iterator walks them; their steps are added to `steps` in play order. */
  private convert(nodes: readonly PlayNode[], around: readonly Block[], steps: Step[]): Item[] {
    const items: Item[] = [];
    for (const node of nodes) {
      if (node.kind === 'block') {
        const inner = [...around, node];
        const b: IterBlock = { block: this.convert(node.children, inner, steps), rescue: this.convert(node.rescue ?? [], inner, steps), always: this.convert(node.always ?? [], inner, steps) };
        if (b.block.length + b.rescue.length + b.always.length > 0) items.push(b);
      } else if (node.kind === 'flush_handlers') {
        const step: Step = { kind: 'flush_handlers' };
        steps.push(step);
        items.push(step);
      } else if (this.selected(node)) {
        const step: Step = { kind: 'task', task: node, context: { blocks: around, role: innermostRole(around) } };
        steps.push(step);
        items.push(step);
      }
    }
    return items;
  }

  /**
   * Included tasks (include_tasks), as the linear strategy adds them: each host gets its
   * blocks after the include (add_tasks), and their steps go into the play order at the
   * lockstep cursor, so they run next.
   */
  include(blocksByHost: ReadonlyMap<string, readonly Block[]>, around: readonly Block[]): void {
    const steps: Step[] = [];
    const converted = new Map<Block, IterBlock | undefined>();
    for (const [host, blocks] of blocksByHost) {
      const items: IterBlock[] = [];
      for (const block of blocks) {
        if (!converted.has(block)) {
          const [item] = this.convert([block], around, steps);
          converted.set(block, item && isBlock(item) ? item : undefined);
        }
        const item = converted.get(block);
        if (item) items.push(item);
      }
      const state = this.states.get(host);
      if (state && items.length > 0) insertInto(state, items);
    }
    this.allSteps.splice(this.cursor, 0, ...steps);
  }

  /** The host's next step and the state after it, without moving the host. */
  peekState(host: string): { step: Step | undefined; state: HostState } | undefined {
    const current = this.states.get(host);
    if (!current) return undefined;
    if (current.run === Run.COMPLETE) return { step: undefined, state: current };
    const state = current.copy();
    return { step: this.next(state), state };
  }

  /** The host's next step; undefined when it is done or out. */
  peek(host: string): Step | undefined {
    return this.peekState(host)?.step;
  }

  /** Moves the host past its next step (to a state peekState gave). */
  commit(host: string, state: HostState): void {
    if (this.states.has(host)) this.states.set(host, state);
  }

  /** Moves the host past its next step. */
  advance(host: string): void {
    const peeked = this.peekState(host);
    if (peeked) this.commit(host, peeked.state);
  }

  /** The step the host just ran failed (mark_host_failed): on to a rescue or always, or out of the play. */
  markFailed(host: string): void {
    const state = this.states.get(host);
    if (state) setFailed(state);
  }

  /** The host runs nothing more in this play (meta end_host, end_play; an unreachable host). */
  end(host: string): void {
    const state = this.states.get(host);
    if (state) state.run = Run.COMPLETE;
  }

  /** The host failed and no rescue took it back (PlayIterator.is_failed). */
  isFailed(host: string): boolean {
    const state = this.states.get(host);
    return state !== undefined && checkFailed(state);
  }

  /** The host has finished the play, failed (a failure here that no rescue will take back). */
  isDone(host: string): boolean {
    return this.peek(host) === undefined;
  }

  /** A failure now would be rescued: the host is in the block section of a block with a rescue (is_any_block_rescuing). */
  isRescuing(host: string): boolean {
    const state = this.states.get(host);
    return state !== undefined && anyBlockRescuing(state);
  }

  /** Every host of the play, in its host order (done or not). */
  hosts(): IterableIterator<string> {
    return this.states.keys();
  }

  /** Hosts that still have a step, in the play's host order. */
  remaining(): string[] {
    return [...this.states.keys()].filter((h) => this.peek(h) !== undefined);
  }

  /** Ansible's _get_next_task_from_state: moves `state` to the step after the next one and returns that next one. */
  private next(state: HostState): Step | undefined {
    for (;;) {
      const block = state.blocks[state.curBlock];
      if (!block) {
        state.run = Run.COMPLETE;
        return undefined;
      }
      let item: Item | undefined;
      if (state.run === Run.SETUP) {
        if (!state.pendingSetup) {
          state.pendingSetup = true;
          item = block.block[0];
        } else {
          state.pendingSetup = false;
          state.run = Run.TASKS;
          state.curBlock++;
          state.curRegular = state.curRescue = state.curAlways = 0;
          state.tasksChild = state.rescueChild = state.alwaysChild = undefined;
        }
      } else if (state.run === Run.TASKS) {
        state.pendingSetup = false;
        if (state.tasksChild) {
          const step = this.next(state.tasksChild);
          if (checkFailed(state.tasksChild)) {
            state.tasksChild = undefined;
            setFailed(state);
            if (step) return step;
          } else if (step === undefined || state.tasksChild.run === Run.COMPLETE) {
            state.tasksChild = undefined;
            continue;
          } else {
            return step;
          }
        } else if (checkFailed(state)) {
          state.run = Run.RESCUE;
        } else if (state.curRegular >= block.block.length) {
          state.run = Run.ALWAYS;
        } else {
          item = block.block[state.curRegular++];
          if (item && isBlock(item)) {
            state.tasksChild = child(item);
            item = undefined;
          }
        }
      } else if (state.run === Run.RESCUE) {
        if (state.rescueChild) {
          const step = this.next(state.rescueChild);
          if (checkFailed(state.rescueChild)) {
            state.rescueChild = undefined;
            setFailed(state);
            if (step) return step;
          } else if (step === undefined || state.rescueChild.run === Run.COMPLETE) {
            state.rescueChild = undefined;
            continue;
          } else {
            return step;
          }
        } else if ((state.fail & Failed.RESCUE) !== 0) {
          state.run = Run.ALWAYS;
        } else if (state.curRescue >= block.rescue.length) {
          if (block.rescue.length > 0) state.fail = Failed.NONE;
          state.run = Run.ALWAYS;
          state.didRescue = true;
        } else {
          item = block.rescue[state.curRescue++];
          if (item && isBlock(item)) {
            state.rescueChild = child(item);
            item = undefined;
          }
        }
      } else if (state.run === Run.ALWAYS) {
        if (state.alwaysChild) {
          const step = this.next(state.alwaysChild);
          if (checkFailed(state.alwaysChild)) {
            state.alwaysChild = undefined;
            setFailed(state);
            if (step) return step;
          } else if (step === undefined || state.alwaysChild.run === Run.COMPLETE) {
            state.alwaysChild = undefined;
            continue;
          } else {
            return step;
          }
        } else if (state.curAlways >= block.always.length) {
          if (state.fail !== Failed.NONE) {
            state.run = Run.COMPLETE;
          } else {
            state.curBlock++;
            state.curRegular = state.curRescue = state.curAlways = 0;
            state.run = Run.TASKS;
            state.tasksChild = state.rescueChild = state.alwaysChild = undefined;
            state.didRescue = false;
          }
        } else {
          item = block.always[state.curAlways++];
          if (item && isBlock(item)) {
            state.alwaysChild = child(item);
            item = undefined;
          }
        }
      } else {
        return undefined;
      }
      if (item) return item as Step;
    }
  }
}

/** PlayIterator._insert_tasks_into_state: the blocks go where the host is, in the section it is in. */
function insertInto(state: HostState, items: readonly IterBlock[]): void {
  if (state.fail !== Failed.NONE && state.run === Run.TASKS) return;
  const section = state.run === Run.TASKS ? 'block' : state.run === Run.RESCUE ? 'rescue' : state.run === Run.ALWAYS ? 'always' : undefined;
  if (!section) return;
  const inner = section === 'block' ? state.tasksChild : section === 'rescue' ? state.rescueChild : state.alwaysChild;
  if (inner) return insertInto(inner, items);
  const at = section === 'block' ? state.curRegular : section === 'rescue' ? state.curRescue : state.curAlways;
  const target = state.blocks[state.curBlock];
  if (!target) return;
  const list = target[section];
  const blocks = [...state.blocks];
  blocks[state.curBlock] = { ...target, [section]: [...list.slice(0, at), ...items, ...list.slice(at)] };
  state.blocks = blocks;
}

function child(block: IterBlock): HostState {
  const s = new HostState([block]);
  s.run = Run.TASKS;
  return s;
}

/** Ansible's _set_failed_state. */
function setFailed(state: HostState): void {
  const block = state.blocks[state.curBlock];
  if (state.run === Run.SETUP) {
    state.fail |= Failed.SETUP;
    state.run = Run.COMPLETE;
  } else if (state.run === Run.TASKS) {
    if (state.tasksChild) return setFailed(state.tasksChild);
    state.fail |= Failed.TASKS;
    state.run = block && block.rescue.length > 0 ? Run.RESCUE : block && block.always.length > 0 ? Run.ALWAYS : Run.COMPLETE;
  } else if (state.run === Run.RESCUE) {
    if (state.rescueChild) return setFailed(state.rescueChild);
    state.fail |= Failed.RESCUE;
    state.run = block && block.always.length > 0 ? Run.ALWAYS : Run.COMPLETE;
  } else if (state.run === Run.ALWAYS) {
    if (state.alwaysChild) return setFailed(state.alwaysChild);
    state.fail |= Failed.ALWAYS;
    state.run = Run.COMPLETE;
  }
}

/** Ansible's _check_failed_state. */
function checkFailed(state: HostState | undefined): boolean {
  if (!state) return false;
  if (state.run === Run.RESCUE && checkFailed(state.rescueChild)) return true;
  if (state.run === Run.ALWAYS && checkFailed(state.alwaysChild)) return true;
  if (state.fail !== Failed.NONE) {
    if (state.run === Run.RESCUE && (state.fail & Failed.RESCUE) === 0) return false;
    if (state.run === Run.ALWAYS && (state.fail & Failed.ALWAYS) === 0) return false;
    return !(state.didRescue && (state.fail & Failed.ALWAYS) === 0);
  }
  if (state.run === Run.TASKS && checkFailed(state.tasksChild)) {
    const block = state.blocks[state.curBlock];
    return !(block && block.rescue.length > 0 && (state.fail & Failed.RESCUE) === 0);
  }
  return false;
}

/** Ansible's is_any_block_rescuing. */
function anyBlockRescuing(state: HostState): boolean {
  const block = state.blocks[state.curBlock];
  if (state.run === Run.TASKS && block && block.rescue.length > 0) return true;
  if (state.tasksChild) return anyBlockRescuing(state.tasksChild);
  if (state.rescueChild) return anyBlockRescuing(state.rescueChild);
  if (state.alwaysChild) return anyBlockRescuing(state.alwaysChild);
  return false;
}

export function isMeta(task: Task, action?: string): boolean {
  return task.module === 'meta' && (action === undefined || task.args['_raw_params'] === action);
}

function innermostRole(blocks: readonly Block[]): RoleRun | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const role = blocks[i]?.role;
    if (role) return role;
  }
  return undefined;
}
