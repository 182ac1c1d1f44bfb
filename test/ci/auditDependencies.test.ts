/**
 * The dependency audit CI runs. The registry here is a local HTTP server
 * standing in for npm's (the real one is reachable but its answers change
 * over time; what is checked is how we read an answer), and the lock file is
 * the repository's own.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  packageProblems,
  readAuditOutput,
  registryProblems,
  shippedPackages,
} from '../../.ci/auditDependencies.js';
import { repoRoot } from '../support/paths.js';

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));

describe('shippedPackages', () => {
  it('lists the runtime dependencies and nothing dev-only or peer-only', () => {
    const names = shippedPackages(lock).map((p) => p.name);
    expect(names).toContain('@opentelemetry/api');
    expect(names).toContain('@aws-sdk/client-xray');
    expect(names).not.toContain('vitest');
    expect(names).not.toContain('aws-cdk-lib');
    expect(names).not.toContain('typescript');
  });
});

describe('packageProblems', () => {
  const pkg = { name: 'left-pad', version: '1.3.0', integrity: 'sha512-locked' };
  it('accepts a package whose registry manifest matches the lock', () => {
    expect(packageProblems(pkg, { dist: { integrity: 'sha512-locked' }, license: 'MIT' })).toEqual(
      [],
    );
  });
  it('names each problem: a changed integrity, a licence we do not ship, an install script', () => {
    const problems = packageProblems(pkg, {
      dist: { integrity: 'sha512-other' },
      license: 'GPL-3.0',
      scripts: { postinstall: 'node steal.js' },
    });
    expect(problems).toEqual([
      'left-pad@1.3.0: integrity sha512-other on the registry, sha512-locked in package-lock.json',
      'left-pad@1.3.0: licence "GPL-3.0" is not one we ship',
      'left-pad@1.3.0: runs a postinstall script',
    ]);
  });
  it('reports a version the registry no longer has', () => {
    expect(packageProblems(pkg, undefined)).toEqual([
      'left-pad@1.3.0: not on the registry (unpublished?)',
    ]);
  });
});

describe('readAuditOutput', () => {
  it('says why when the registry has no audit endpoint (a mirror answering 405)', () => {
    const out = JSON.stringify({
      message:
        '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
      error: { summary: '', detail: '' },
    });
    expect(readAuditOutput(out)).toEqual({
      kind: 'unavailable',
      reason:
        '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
    });
  });
  it('keeps the high and critical advisories of a report', () => {
    const out = JSON.stringify({
      vulnerabilities: {
        a: { severity: 'low' },
        b: { severity: 'high' },
        c: { severity: 'critical' },
      },
    });
    expect(readAuditOutput(out)).toEqual({
      kind: 'report',
      high: ['b (high)', 'c (critical)'],
      total: 3,
    });
  });
});

describe('registryProblems', () => {
  let server: Server;
  let registry: string;
  const requested: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === '/@scope%2fgood/1.0.0') {
        res.end(JSON.stringify({ dist: { integrity: 'sha512-good' }, license: 'Apache-2.0' }));
      } else if (req.url === '/swapped/2.0.0') {
        res.end(JSON.stringify({ dist: { integrity: 'sha512-new' }, license: 'MIT' }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => server.close());

  it('asks for each locked version (scoped names escaped) and reports what differs', async () => {
    const problems = await registryProblems(registry, [
      { name: '@scope/good', version: '1.0.0', integrity: 'sha512-good' },
      { name: 'swapped', version: '2.0.0', integrity: 'sha512-old' },
      { name: 'gone', version: '0.1.0', integrity: 'sha512-x' },
    ]);
    expect(requested.sort()).toEqual(['/@scope%2fgood/1.0.0', '/gone/0.1.0', '/swapped/2.0.0']);
    expect(problems).toEqual([
      'swapped@2.0.0: integrity sha512-new on the registry, sha512-old in package-lock.json',
      'gone@0.1.0: not on the registry (unpublished?)',
    ]);
  });
});
