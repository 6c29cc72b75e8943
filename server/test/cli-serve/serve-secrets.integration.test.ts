import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe, startServe as startServeProcess, type ServeProcess } from './serve-process';

// Start-up of a real `tickspace serve` process over one data directory: the token secret, the
// admin token, and what recovery reports. The cases run in order; each leaves the directory to the next.
const root = path.resolve(__dirname, '..', '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'tickspace-serve-secrets-'));
// A client build, so start-up prints the time-travel link (the line that used to carry a supplied admin token).
const staticDir = mkdtempSync(path.join(tmpdir(), 'tickspace-serve-static-'));
writeFileSync(path.join(staticDir, 'index.html'), '<h1>client</h1>');
// Every server this file started; one a failed case left running is killed so it cannot outlive the run.
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});
const secretFile = path.join(dataDir, 'token-secret');
const adminFile = path.join(dataDir, 'admin-token');

const serveOptions = (args: string[]) => ({
  dataDir,
  seed: 'serve-secrets',
  // The admin token must come from the data directory or the flag, never from this shell.
  unsetEnv: ['TICKSPACE_ADMIN_TOKEN'],
  args: ['--static', staticDir, ...args],
});

/** Starts `tickspace serve` and resolves once it prints its last start-up line, the time-travel link. */
async function startServe(...args: string[]): Promise<ServeProcess> {
  const started = startServeProcess({ ...serveOptions(args), readyLine: /\?history.*\n/ });
  void started.then((server) => children.add(server.child));
  return started;
}

/**
 * Runs `tickspace serve` expecting it to refuse to start; resolves with its status and output. A
 * server that starts after all is killed at once (status 'started'), so a failing case leaves no
 * process behind holding the directory's lock.
 */
async function refusedServe(...args: string[]): Promise<{ code: number | null | 'started'; output: string }> {
  const run = spawnServe(serveOptions(args));
  children.add(run.child);
  let started = false;
  run.child.stdout!.on('data', () => {
    if (!started && /serving .* at http/.test(run.output())) {
      started = true;
      run.child.kill('SIGKILL');
    }
  });
  const { code } = await run.exited;
  return { code: started ? 'started' : code, output: run.output() };
}

async function stop(server: ServeProcess): Promise<number> {
  // An answered request means start-up has returned to the event loop: the signal handlers are in place.
  expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
  return Number(/stopped cleanly at tick (\d+)/.exec(server.output())![1]);
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', '--data', dataDir, ...args],
      { cwd: root },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('tickspace serve: token secret and admin token', () => {
  let adminToken = '';
  let secret = '';
  let stoppedAt = 0;

  it('creates both secrets (0600) on first start, prints only the generated admin token, and answers inspect?table=__proto__ with 400', async () => {
    const server = await startServe();
    const m = /admin token: ([0-9a-f]{32}) \(generated into (.*)\)\n/.exec(server.output());
    expect(m).not.toBeNull();
    adminToken = m![1]!;
    expect(m![2]).toBe(adminFile);
    expect(readFileSync(adminFile, 'utf8')).toBe(`${adminToken}\n`);
    secret = readFileSync(secretFile, 'utf8');
    expect(secret).toMatch(/^[0-9a-f]{64}\n$/);
    expect(mode(secretFile)).toBe(0o600);
    expect(mode(adminFile)).toBe(0o600);
    expect(readdirSync(dataDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(server.output()).toMatch(
      new RegExp(`time travel .*: http://127\\.0\\.0\\.1:${server.port}/\\?history#admin=${adminToken}\n`),
    );

    const base = `http://127.0.0.1:${server.port}`;
    const inspect = (table: string) =>
      fetch(`${base}/admin/inspect?table=${encodeURIComponent(table)}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
    for (const table of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await inspect(table);
      expect({ table, status: res.status, body: await res.json() }).toEqual({
        table,
        status: 400,
        body: { error: { code: 'UNKNOWN_TABLE', message: `no table named '${table}'` } },
      });
    }
    expect((await inspect('player')).status).toBe(200);
    stoppedAt = await stop(server);
    expect(server.output()).not.toMatch(/admin inspect failed|INTERNAL/);
  });

  it('reads both back on a restart: the same secret, the same admin token and link', async () => {
    const server = await startServe();
    expect(server.output()).toContain(`admin token: ${adminToken} (from ${adminFile})`);
    expect(server.output()).toContain(`/?history#admin=${adminToken}\n`);
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    const res = await fetch(`http://127.0.0.1:${server.port}/admin/inspect?table=player`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    stoppedAt = await stop(server);
  });

  it('never prints an admin token the operator supplied', async () => {
    const supplied = 'operator-chosen-admin-token-1234';
    const server = await startServe('--admin-token', supplied);
    expect(server.output()).not.toContain(supplied);
    expect(server.output()).not.toContain(adminToken);
    expect(server.output()).toMatch(/\?history \(the viewer asks for your admin token\)\n/);
    const res = await fetch(`http://127.0.0.1:${server.port}/admin/inspect?table=player`, {
      headers: { authorization: `Bearer ${supplied}` },
    });
    expect(res.status).toBe(200);
    stoppedAt = await stop(server);
    const empty = await refusedServe('--admin-token', '');
    expect(empty.code).toBe(2);
    expect(empty.output).toMatch(
      /error \[INVALID_ARGUMENT\]: the admin token \(--admin-token or TICKSPACE_ADMIN_TOKEN\) is empty/,
    );
  });

  it('refuses a token secret that is garbage or short, naming the file', async () => {
    writeFileSync(secretFile, 'not hex at all\n', { mode: 0o600 });
    const garbage = await refusedServe();
    expect(garbage.code).toBe(2);
    expect(garbage.output).toContain(
      `error [BAD_DATA_DIR]: ${secretFile} does not hold the token secret: expected one line of an even number of hex digits`,
    );
    expect(garbage.output).not.toContain('not hex at all');

    writeFileSync(secretFile, 'ab'.repeat(31) + '\n', { mode: 0o600 });
    const short = await refusedServe();
    expect(short.code).toBe(2);
    expect(short.output).toContain(
      `error [BAD_DATA_DIR]: ${secretFile} holds a 31-byte token secret; at least 32 random bytes are required`,
    );

    writeFileSync(secretFile, '', { mode: 0o600 });
    const empty = await refusedServe();
    expect(empty.code).toBe(2);
    expect(empty.output).toContain(`error [BAD_DATA_DIR]: ${secretFile} holds a 0-byte token secret`);
    writeFileSync(secretFile, secret, { mode: 0o600 });
  });

  it('refuses to invent a new secret for a world with history unless --new-token-secret says so', async () => {
    expect(stoppedAt).toBeGreaterThan(0);
    unlinkSync(secretFile);
    const refused = await refusedServe();
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(
      new RegExp(
        `error \\[BAD_DATA_DIR\\]: ${secretFile} is missing, but ${dataDir} already holds \\d+ tick\\(s\\) of history: .*--new-token-secret`,
      ),
    );
    expect(() => statSync(secretFile)).toThrow();

    const server = await startServe('--new-token-secret');
    expect(server.output()).toContain(
      `--new-token-secret: created ${secretFile}; every token issued before is now invalid`,
    );
    const fresh = readFileSync(secretFile, 'utf8');
    expect(fresh).toMatch(/^[0-9a-f]{64}\n$/);
    expect(fresh).not.toBe(secret);
    expect(mode(secretFile)).toBe(0o600);
    stoppedAt = await stop(server);
  });

  it('refuses a damaged admin-token file, naming it', async () => {
    writeFileSync(adminFile, 'abc\n', { mode: 0o600 });
    const refused = await refusedServe();
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(`error [BAD_DATA_DIR]: ${adminFile} does not hold the admin token`);
    writeFileSync(adminFile, `${adminToken}\n`, { mode: 0o600 });
  });
});

describe('tickspace serve: recovery report', () => {
  it('says which snapshot it skipped and why, and recovers from the log', async () => {
    const snap = await cli('snapshot');
    expect(snap.code).toBe(0);
    const file = /-> (.*\.tssnap)$/m.exec(snap.stdout)![1]!;
    const tick = Number(/snapshot of tick (\d+)/.exec(snap.stdout)![1]);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(file, bytes);

    const server = await startServe();
    const out = server.output();
    expect(out).toContain(
      `[tickspace] recovery skipped a damaged snapshot, ${file}: snapshot ${file} is unusable: checksum mismatch`,
    );
    expect(out).toContain('[tickspace] recovery started from tick 0 instead');
    expect(out).toContain(`recovered at tick ${tick}`);
    await stop(server);
  });
});
