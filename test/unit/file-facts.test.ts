import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type Fact, gatherScript, splitGathered } from '../../src/modules/facts/fact.js';
import { fileFact } from '../../src/modules/facts/file.js';
import { globMatchesFact } from '../../src/modules/facts/glob.js';
import { idsFact } from '../../src/modules/facts/ids.js';
import { treeFact } from '../../src/modules/facts/tree.js';

/** The fact scripts run by the machine's own /bin/sh, as a host's session would run them. */
function gather(facts: Fact<unknown>[]): unknown[] {
  const r = spawnSync('/bin/sh', ['-c', gatherScript(facts)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const outputs = splitGathered(r.stdout, facts.length);
  return facts.map((f, i) => f.parse(outputs[i] ?? ''));
}

describe('file facts on a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-facts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const text = 'héllo\nwörld\n';
  writeFileSync(join(dir, 'file'), text, { mode: 0o640 });
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'full'));
  writeFileSync(join(dir, 'full', '.hidden'), '');
  symlinkSync('file', join(dir, 'link'));
  symlinkSync('nowhere', join(dir, 'dangling'));
  const odd = join(dir, "it's a\nname");
  writeFileSync(odd, 'x');

  test('a file: type, attributes, SHA-1 without the bytes, or the bytes when asked', () => {
    const [plain, full] = gather([fileFact(join(dir, 'file'), { attributes: true, checksum: true }), fileFact(join(dir, 'file'), { content: true })]);
    assert.deepEqual(plain, {
      path: join(dir, 'file'), type: 'file', mode: 0o640, uid: process.getuid?.(), gid: process.getgid?.(),
      owner: spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim(), group: spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim(),
      size: Buffer.byteLength(text), nlink: 1, sha1: createHash('sha1').update(text).digest('hex'),
    });
    assert.deepEqual(full, { path: join(dir, 'file'), type: 'file', content: text });
  });

  test('links: the target as written, and followed to what is there', () => {
    const [link, dangling] = gather([fileFact(join(dir, 'link'), { follow: true, checksum: true }), fileFact(join(dir, 'dangling'), { follow: true, ancestor: true })]);
    assert.deepEqual(link, { path: join(dir, 'link'), type: 'link', linkTarget: 'file', resolved: { path: join(dir, 'file'), type: 'file', sha1: createHash('sha1').update(text).digest('hex') } });
    assert.deepEqual(dangling, { path: join(dir, 'dangling'), type: 'link', linkTarget: 'nowhere', resolved: { path: join(dir, 'nowhere'), type: 'absent', ancestor: { levels: 1, type: 'directory' } } });
  });

  test('directories with and without entries (hidden ones count); a missing path and its nearest ancestor', () => {
    const [empty, full, missing] = gather([fileFact(join(dir, 'empty'), { entries: true }), fileFact(join(dir, 'full'), { entries: true }), fileFact(join(dir, 'a/b/c'), { ancestor: true })]);
    assert.deepEqual(empty, { path: join(dir, 'empty'), type: 'directory', nonEmpty: false });
    assert.deepEqual(full, { path: join(dir, 'full'), type: 'directory', nonEmpty: true });
    assert.deepEqual(missing, { path: join(dir, 'a/b/c'), type: 'absent', ancestor: { levels: 3, type: 'directory' } });
    const [underFile] = gather([fileFact(join(dir, 'file/x/y'), { ancestor: true })]);
    assert.deepEqual(underFile, { path: join(dir, 'file/x/y'), type: 'absent', ancestor: { levels: 2, type: 'other' } });
  });

  test('a directory\'s entry (copy into a directory), and no ancestor unless asked', () => {
    const [withChild, inFile, plain] = gather([fileFact(join(dir, 'full'), { checksum: true, child: '.hidden' }), fileFact(join(dir, 'file'), { child: 'x' }), fileFact(join(dir, 'a/b'))]);
    assert.deepEqual(withChild, { path: join(dir, 'full'), type: 'directory', child: { path: join(dir, 'full/.hidden'), type: 'file', sha1: createHash('sha1').update('').digest('hex') } });
    assert.deepEqual(inFile, { path: join(dir, 'file'), type: 'file' });
    assert.deepEqual(plain, { path: join(dir, 'a/b'), type: 'absent' });
  });

  test('a name with a quote and a newline cannot break the framing', () => {
    const [state] = gather([fileFact(odd, { checksum: true, content: true })]);
    assert.deepEqual(state, { path: odd, type: 'file', sha1: createHash('sha1').update('x').digest('hex'), content: 'x' });
  });

  test('creates/removes globs: a plain path, a pattern, a dangling link, a path with spaces', () => {
    assert.deepEqual(gather([globMatchesFact(join(dir, 'fi*')), globMatchesFact(join(dir, 'nope*')), globMatchesFact(join(dir, 'dangling')), globMatchesFact(odd)]), [true, false, true, true]);
  });
});

describe('diff facts on a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-tree-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const d of ['t/b', 't/a/deep', 't/c']) mkdirSync(join(dir, d), { recursive: true });
  for (const f of ['t/z', 't/b/1', 't/a/deep/2', 't/a/3']) writeFileSync(join(dir, f), '');
  symlinkSync('a', join(dir, 't', 'to-a'));
  symlinkSync('nowhere', join(dir, 't', 'dangling'));

  test('a tree is listed in os.walk order (what Ansible puts in path_content)', { skip: spawnSync('python3', ['-c', '1']).status !== 0 && 'no python3 here' }, () => {
    const top = join(dir, 't');
    const py = spawnSync('python3', ['-c', `import json, os, sys
w = {'directories': [], 'files': []}
for base, dirs, files in os.walk(sys.argv[1]):
    w['directories'] += [os.path.join(base, d) for d in dirs]
    w['files'] += [os.path.join(base, f) for f in files]
print(json.dumps(w))`, top], { encoding: 'utf8' });
    const [tree] = gather([treeFact(top)]);
    assert.deepEqual(tree, JSON.parse(py.stdout));
    assert.deepEqual(gather([treeFact(join(top, 'z'))]), [{ directories: [], files: [] }]);
  });

  test('ids: the user the script runs as, and the owner and group named, as numbers', () => {
    const [mine, named, unknown] = gather([idsFact(undefined, undefined), idsFact('root', 'root'), idsFact('no-such-user-x', 'no-such-group-x')]);
    assert.deepEqual(mine, { uid: process.getuid?.(), gid: process.getgid?.() });
    assert.deepEqual(named, { uid: process.getuid?.(), gid: process.getgid?.(), owner: 0, group: 0 });
    assert.deepEqual(unknown, { uid: process.getuid?.(), gid: process.getgid?.() });
  });
});
