/** Task keywords understood by the engine; any other key must be a module. */
export const TASK_KEYWORDS = new Set([
  'name', 'when', 'loop', 'with_items', 'loop_control', 'register', 'notify', 'listen', 'changed_when',
  'failed_when', 'ignore_errors', 'tags', 'become', 'become_user', 'sudo', 'sudo_user', 'vars', 'no_log',
  'check_mode', 'diff', 'args', 'action', 'timeout',
]);

/** Keywords Ansible has that this engine does not run yet: refused, never silently ignored. */
export const UNSUPPORTED_TASK_KEYWORDS = new Set([
  'delegate_to', 'local_action', 'run_once', 'until', 'retries', 'delay', 'block', 'rescue', 'always',
  'include', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'async', 'poll', 'environment',
  'with_dict', 'with_fileglob', 'with_sequence', 'with_together', 'with_nested', 'become_method', 'throttle',
]);

export const PLAY_KEYWORDS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles', 'gather_facts',
  'become', 'become_user', 'sudo', 'sudo_user', 'remote_user', 'user', 'tags', 'connection',
]);
