# A stdout callback for the differential suite: the run as JSON Lines, in the shape of
# provision's `--output json` events, written to the file named by $DIFFLOG_FILE.
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: difflog
type: stdout
short_description: JSON Lines of the run for test/differential
description: One event per line (play_start, task_start, host_result, no_hosts_left, run_end) in $DIFFLOG_FILE.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'difflog'

    def __init__(self):
        super().__init__()
        self._out = open(os.environ['DIFFLOG_FILE'], 'w', encoding='utf-8')
        self._items = {}
        # Hosts whose next result's diff Ansible shows (v2_on_file_diff comes just before it).
        self._diff_shown = set()

    def v2_on_file_diff(self, result):
        self._diff_shown.add(result._host.get_name())

    def _shown(self, host):
        shown = host in self._diff_shown
        self._diff_shown.discard(host)
        return shown

    def _emit(self, **event):
        try:
            line = json.dumps(event, default=repr, sort_keys=True)
        except TypeError:
            # Keys of mixed types (YAML 1.1's `on:` is the key True beside string keys) cannot be
            # sorted; JSON makes every key a string ("true") first, as the default callback shows it.
            line = json.dumps(json.loads(json.dumps(event, default=repr)), sort_keys=True)
        self._out.write(line + '\n')
        self._out.flush()

    def v2_playbook_on_play_start(self, play):
        self._emit(type='play_start', name=play.get_name().strip(), pattern=','.join(play.hosts) if isinstance(play.hosts, list) else str(play.hosts))

    def _task(self, task, kind):
        self._items = {}
        self._emit(type='task_start', name=task.get_name().strip(), kind=kind, action=task.action, time=time.time())

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task(task, 'task')

    def v2_playbook_on_handler_task_start(self, task):
        self._task(task, 'handler')

    def v2_playbook_on_no_hosts_remaining(self):
        self._emit(type='no_hosts_left')

    def v2_playbook_on_no_hosts_matched(self):
        self._emit(type='warning', message='no hosts matched')

    def _item(self, result, status):
        host = result._host.get_name()
        self._items.setdefault(host, []).append({'status': status, 'result': result._result, 'diff_shown': self._shown(host)})

    def v2_runner_item_on_ok(self, result):
        self._item(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_item_on_failed(self, result):
        self._item(result, 'failed')

    def v2_runner_item_on_skipped(self, result):
        self._item(result, 'skipped')

    def _host(self, result, status, ignored=False):
        host = result._host.get_name()
        event = dict(type='host_result', host=host, status=status, ignored=ignored,
                     changed=bool(result._result.get('changed', False)), result=result._result,
                     diff_shown=self._shown(host))
        if result._task.loop is not None or host in self._items:
            event['items'] = self._items.pop(host, [])
        self._emit(**event)

    def v2_runner_on_ok(self, result):
        self._host(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._host(result, 'failed', bool(ignore_errors))

    def v2_runner_on_skipped(self, result):
        self._host(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._host(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        self._emit(type='run_end', stats={h: stats.summarize(h) for h in hosts})
