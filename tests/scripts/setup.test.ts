/**
 * scripts/setup.sh decides whether `npm ci` is needed from what the lock file
 * says, not from file times. Run for real with bash, in a copy of the
 * repository's set-up files, with `npm` and `dpkg-query` replaced by stubs
 * that record their calls (nothing is installed).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

function checkout() {
  const root = mkdtempSync(join(tmpdir(), 'tasuke-setup-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(REPO, 'scripts/setup.sh'), join(root, 'scripts/setup.sh'));
  copyFileSync(join(REPO, 'package.json'), join(root, 'package.json'));
  copyFileSync(join(REPO, 'package-lock.json'), join(root, 'package-lock.json'));
  const bin = join(root, 'stub-bin');
  mkdirSync(bin);
  const log = join(root, 'calls.log');
  // npm ci empties node_modules and installs into it, as the real one does.
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "npm $*" >> "${log}"\nrm -rf node_modules && mkdir node_modules\n`);
  writeFileSync(join(bin, 'dpkg-query'), '#!/bin/sh\nprintf "install ok installed"\n');
  chmodSync(join(bin, 'npm'), 0o755);
  chmodSync(join(bin, 'dpkg-query'), 0o755);
  writeFileSync(log, '');
  const setup = () =>
    execFileSync('bash', ['scripts/setup.sh'], { cwd: root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  const installs = () => readFileSync(log, 'utf8').split('\n').filter((l) => l === 'npm ci').length;
  return { root, setup, installs };
}

describe('scripts/setup.sh', () => {
  it('runs npm ci once on a fresh clone and not again when nothing changed', () => {
    const { setup, installs, root } = checkout();
    expect(setup()).toContain('npm ci');
    expect(installs()).toBe(1);
    expect(setup()).toContain('nothing to install');
    expect(installs()).toBe(1);
    // A checkout laid anew gives the files new times but the same content: still nothing to do.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'package-lock.json'), later, later);
    utimesSync(join(root, 'package.json'), later, later);
    setup();
    expect(installs()).toBe(1);
  });

  it('runs npm ci again when the lock file changes, and when node_modules is gone', () => {
    const { setup, installs, root } = checkout();
    setup();
    appendFileSync(join(root, 'package-lock.json'), '\n');
    setup();
    expect(installs()).toBe(2);
    setup();
    expect(installs()).toBe(2);
    rmSync(join(root, 'node_modules'), { recursive: true });
    setup();
    expect(installs()).toBe(3);
  });
});
