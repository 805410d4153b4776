/** Task keywords understood by the engine; any other key must be a module. */
export const TASK_KEYWORDS = new Set([
  'name', 'when', 'loop', 'with_items', 'loop_control', 'register', 'notify', 'listen', 'changed_when',
  'failed_when', 'ignore_errors', 'tags', 'become', 'become_user', 'sudo', 'sudo_user', 'vars', 'no_log',
  'check_mode', 'diff', 'args', 'action', 'timeout',
  // Flow (src/playbook/flow-keywords.ts); local_action is read with action.
  'until', 'retries', 'delay', 'delegate_to', 'delegate_facts', 'run_once', 'environment', 'async', 'poll', 'throttle',
  'ignore_unreachable', 'any_errors_fatal', 'local_action',
]);

/** Task keywords ansible-core 2.14 has (Task.fattributes, blocks, includes) that this engine does not run yet: refused, never silently ignored. */
export const UNSUPPORTED_TASK_KEYWORDS = new Set([
  'block', 'rescue', 'always',
  'include', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta',
  'become_method', 'become_exe', 'become_flags', 'remote_user',
  'connection', 'port', 'module_defaults', 'collections', 'debugger',
]);

/** `with_<lookup>` loops other than with_items: refused as not supported yet. */
export function isUnsupportedLoop(key: string): boolean {
  return key.startsWith('with_') && key !== 'with_items';
}

/** Play keywords ansible-core 2.14 has (Play.fattributes) that this engine does not run yet. */
export const UNSUPPORTED_PLAY_KEYWORDS = new Set([
  'become_exe', 'become_flags', 'become_method', 'check_mode', 'collections', 'debugger', 'diff',
  'fact_path', 'gather_subset', 'gather_timeout', 'ignore_errors',
  'module_defaults', 'no_log', 'order', 'port', 'run_once',
  'timeout',
]);

export const PLAY_KEYWORDS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles', 'gather_facts',
  'become', 'become_user', 'sudo', 'sudo_user', 'remote_user', 'user', 'tags', 'connection', 'force_handlers',
  // Flow (src/playbook/play-flow.ts).
  'serial', 'strategy', 'any_errors_fatal', 'max_fail_percentage', 'ignore_unreachable', 'throttle', 'environment', 'vars_prompt',
]);
