import type { LoopControl } from '../playbook/model.js';
import type { Vars } from '../util/data.js';
import type { TaskStatus } from './events.js';

/**
 * A loop as ansible-core's TaskExecutor runs it (_run_loop, run): the variables each item
 * sees, what each item's result carries, and the loop's own result made from them.
 */

/** The items of `with_items` once rendered: a single value is a list of one, and lists inside are flattened one level (the items lookup). */
export function withItems(value: unknown): unknown[] {
  return (Array.isArray(value) ? value : [value]).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** The result of a loop over nothing: skipped. */
export function emptyLoopResult(): Vars {
  return { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
}

/** The loop variable, `index_var` and, with `extended`, `ansible_loop` for item `index`. */
export function itemVars(control: LoopControl, items: readonly unknown[], index: number): Vars {
  const vars: Vars = { ansible_loop_var: control.loopVar, [control.loopVar]: items[index] };
  if (control.indexVar) {
    vars['ansible_index_var'] = control.indexVar;
    vars[control.indexVar] = index;
  }
  if (control.extended) vars['ansible_loop'] = extendedLoop(control, items, index);
  return vars;
}

/** What an item's result carries besides the module's: which item, under which name. */
export function itemResultFields(control: LoopControl, items: readonly unknown[], index: number): Vars {
  const fields: Vars = { [control.loopVar]: items[index], ansible_loop_var: control.loopVar };
  if (control.indexVar) {
    fields[control.indexVar] = index;
    fields['ansible_index_var'] = control.indexVar;
  }
  if (control.extended) fields['ansible_loop'] = extendedLoop(control, items, index);
  return fields;
}

function extendedLoop(control: LoopControl, items: readonly unknown[], index: number): Vars {
  const length = items.length;
  const loop: Vars = {
    index: index + 1,
    index0: index,
    first: index === 0,
    last: index + 1 === length,
    length,
    revindex: length - index,
    revindex0: length - index - 1,
  };
  if (control.extendedAllItems) loop['allitems'] = items;
  if (index + 1 < length) loop['nextitem'] = items[index + 1];
  if (index > 0) loop['previtem'] = items[index - 1];
  return loop;
}

/**
 * The loop's result: changed if an item changed, failed ("One or more items failed") if one
 * failed, skipped ("All items skipped") if every item was.
 */
export function loopResult(itemResults: readonly Vars[]): Vars {
  const result: Vars = { results: itemResults, skipped: true };
  for (const item of itemResults) {
    if (item['changed']) result['changed'] = true;
    if (!item['skipped']) result['skipped'] = false;
    if (item['failed'] && !result['failed']) {
      result['failed'] = true;
      result['msg'] = 'One or more items failed';
    }
  }
  if (!result['failed']) result['msg'] = result['skipped'] ? 'All items skipped' : 'All items completed';
  result['changed'] ??= false;
  return result;
}

/** How the loop counts: unreachable, failed, skipped (every item skipped), changed or ok. */
export function loopStatus(result: Vars, itemStatuses: readonly TaskStatus[]): TaskStatus {
  if (itemStatuses.includes('unreachable')) return 'unreachable';
  if (result['failed']) return 'failed';
  if (result['skipped']) return 'skipped';
  return result['changed'] ? 'changed' : 'ok';
}
