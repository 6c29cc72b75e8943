import { describe, expect, it } from 'vitest';
import { buildCli } from '../src/cli';

function parse(args: string[]): string {
  const cli = buildCli();
  let message = '';
  for (const c of [cli, ...cli.commands]) {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => (message += s), writeOut: () => {} });
    c.action(() => {});
  }
  try {
    cli.parse(['node', 'sim', ...args]);
  } catch {
    // exitOverride throws after writing the error
  }
  return message;
}

describe('cli', () => {
  it('refuses bad numbers with the option name', () => {
    expect(parse(['--players', '-3'])).toMatch(/--players must be a whole number >= 0, got '-3'/);
    expect(parse(['trial', '--minutes', '0'])).toMatch(/--minutes must be a number > 0/);
    expect(parse(['trial', '--model', 'svm'])).toMatch(/Allowed choices are gbt, lr/);
    expect(parse(['net'])).toMatch(/required option '--url <url>'/);
  });

  it('accepts the documented commands', () => {
    expect(parse(['--players', '10', '--minutes', '1', '--seed', 's', '--mix', 'human=0.5,naive=0.5'])).toBe(
      '',
    );
    expect(parse(['trial', '--humans', '20', '--bots', '5', '--holdout', 'none'])).toBe('');
  });
});
