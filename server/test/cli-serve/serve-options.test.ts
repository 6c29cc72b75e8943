import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { DEFAULT_TICK_BUDGET_MS } from '../../src/cli/serve';
import { parsePort, SERVE_OPTIONS } from '../../src/cli/serve-options';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, text: out.join('\n'), error: err.join('\n') };
}

describe('tickspace serve options', () => {
  it('serve --help lists every option serve reads, and PORT and HOST', async () => {
    const r = await cli('serve', '--help');
    expect(r.status).toBe(0);
    for (const flag of ['--module', '--port', '--host', ...SERVE_OPTIONS.map((o) => o.flags)])
      expect(r.text).toContain(flag);
    // The ones the help used to hide.
    for (const flag of ['--seed', '--tick-ms', '--durability', '--admin-token', '--static', '--world-tiles'])
      expect(r.text).toMatch(new RegExp(`^  ${flag} <[^>]+>\\s+\\S`, 'm'));
    expect(r.text).toMatch(/PORT \(default 3000\) and HOST \(default 127\.0\.0\.1\)/);
    expect(r.text).toContain(`default ${DEFAULT_TICK_BUDGET_MS} when sandboxed`);
  });

  it('serve.ts declares no option of its own outside the list the help prints', () => {
    const source = readFileSync(join(__dirname, '../../src/cli/serve.ts'), 'utf8');
    expect(source).toContain('addServeOptions(new Command())');
    expect(source.match(/\.option\(/g) ?? []).toEqual([]);
  });

  it('--port abc says it is not a number, and so does $PORT', async () => {
    const r = await cli('serve', '--port', 'abc');
    expect(r.status).toBe(2);
    expect(r.error).toBe(
      "error [INVALID_ARGUMENT]: --port must be a port number 0..65535, got 'abc': not a number",
    );
    expect(() => parsePort('', '$PORT')).toThrow(
      "$PORT must be a port number 0..65535, got '': not a number",
    );
    expect(() => parsePort('3e3', '--port')).toThrow(/not a number/);
    expect(() => parsePort('65536', '--port')).toThrow('--port must be a port number 0..65535, got 65536');
    expect(parsePort('0', '--port')).toBe(0);
    expect(parsePort('65535', '$PORT')).toBe(65535);
  });
});
