import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { editBlock, editLines } from '../../src/modules/line-edit.js';

describe('lineinfile semantics', () => {
  test('regexp replaces the last match (firstmatch: the first)', () => {
    const text = 'a=1\nb=2\na=3\n';
    assert.equal(editLines(text, { state: 'present', regexp: '^a=', line: 'a=9' }).content, 'a=1\nb=2\na=9\n');
    assert.equal(editLines(text, { state: 'present', regexp: '^a=', line: 'a=9', firstmatch: true }).content, 'a=9\nb=2\na=3\n');
  });
  test('an existing line is left alone; a new one goes to EOF (adding a missing final newline)', () => {
    assert.equal(editLines('x\ny\n', { state: 'present', line: 'y' }).msg, '');
    assert.equal(editLines('x', { state: 'present', line: 'y' }).content, 'x\ny\n');
    assert.equal(editLines('', { state: 'present', line: 'y' }).content, 'y\n');
  });
  test('backrefs: groups expand, and no match adds nothing', () => {
    const r = editLines('DOCKER_OPTS="-H x"\n', { state: 'present', regexp: '^DOCKER_OPTS="(.*)"$', line: 'DOCKER_OPTS="\\1 --bridge=weave"', backrefs: true });
    assert.equal(r.content, 'DOCKER_OPTS="-H x --bridge=weave"\n');
    assert.equal(editLines('other\n', { state: 'present', regexp: '^NOPE', line: 'x', backrefs: true }).content, 'other\n');
    assert.equal(editLines('k=v\n', { state: 'present', regexp: '^(?P<key>k)=', line: '\\g<key>=w', backrefs: true }).content, 'k=w\n');
  });
  test('insertbefore/insertafter: BOF, and the last matching line', () => {
    assert.equal(editLines('a\nb\n', { state: 'present', line: 'source-directory interfaces.d', insertbefore: 'BOF' }).content, 'source-directory interfaces.d\na\nb\n');
    const text = 'DOCKER_OPTS=1\nx\nDOCKER_OPTS=2\n';
    assert.equal(editLines(text, { state: 'present', line: 'NET=1', insertbefore: '^DOCKER_OPTS=' }).content, 'DOCKER_OPTS=1\nx\nNET=1\nDOCKER_OPTS=2\n');
    assert.equal(editLines(text, { state: 'present', line: 'NET=1', insertafter: '^DOCKER_OPTS=' }).content, 'DOCKER_OPTS=1\nx\nDOCKER_OPTS=2\nNET=1\n');
    assert.equal(editLines(text, { state: 'present', line: 'NET=1', regexp: '^NET=', insertafter: '^x$' }).content, 'DOCKER_OPTS=1\nx\nNET=1\nDOCKER_OPTS=2\n');
  });
  test('absent removes every match', () => {
    const r = editLines('127.0.1.1 mgmt\nkeep\n127.0.1.1 mgmt mgmt\n', { state: 'absent', regexp: '^127\\.0\\.1\\.1.*mgmt' });
    assert.deepEqual(r, { content: 'keep\n', msg: '2 line(s) removed', changed: true, found: 2 });
  });
});

describe('blockinfile semantics', () => {
  const base = { marker: '# {mark} WEAVE', markerBegin: 'BEGIN', markerEnd: 'END', state: 'present' as const };
  test('inserted at EOF, replaced in place, removed when empty', () => {
    const first = editBlock('auto lo\n', { ...base, block: 'auto weave\n' });
    assert.equal(first.content, 'auto lo\n# BEGIN WEAVE\nauto weave\n# END WEAVE\n');
    const second = editBlock(`${first.content}tail\n`, { ...base, block: 'auto weave\niface weave inet manual' });
    assert.equal(second.content, 'auto lo\n# BEGIN WEAVE\nauto weave\niface weave inet manual\n# END WEAVE\ntail\n');
    assert.equal(editBlock(second.content, { ...base, block: 'auto weave\niface weave inet manual' }).msg, '');
    assert.equal(editBlock(second.content, { ...base, block: '' }).content, 'auto lo\ntail\n');
  });
  test('insertbefore BOF and insertafter a regex', () => {
    assert.equal(editBlock('a\nb\n', { ...base, block: 'x', insertbefore: 'BOF' }).content, '# BEGIN WEAVE\nx\n# END WEAVE\na\nb\n');
    assert.equal(editBlock('a\nb\n', { ...base, block: 'x', insertafter: '^a$' }).content, 'a\n# BEGIN WEAVE\nx\n# END WEAVE\nb\n');
  });
});
