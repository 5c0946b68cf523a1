// The cloudeye flag parser (gateway/cli/args.ts): declared flags only, --help anywhere, errors naming the flag.
import assert from 'node:assert/strict';
import { HelpRequested, intFlag, parseArgs, UsageError, usageOf, type CommandSpec } from '../../gateway/cli/args';

const SPEC: CommandSpec = {
  name: 'cloudeye thing',
  synopsis: '[--port N] [--verbose] [NAME]',
  flags: { port: { kind: 'value', arg: 'N', about: 'a port' }, verbose: { kind: 'switch', about: 'say more' } },
  maxPositional: 1,
};

describe('cloudeye flag parser', () => {
  const ok: Array<[string, string[], { flags: Record<string, string | true>; positional: string[] }]> = [
    ['nothing', [], { flags: {}, positional: [] }],
    ['a value after a space', ['--port', '80'], { flags: { port: '80' }, positional: [] }],
    ['a value after =', ['--port=80'], { flags: { port: '80' }, positional: [] }],
    ['a value that starts with a dash', ['--port', '-1'], { flags: { port: '-1' }, positional: [] }],
    ['a switch and a name', ['--verbose', 'x'], { flags: { verbose: true }, positional: ['x'] }],
    ['flags after --  as names', ['--', '--port'], { flags: {}, positional: ['--port'] }],
    ['--help after -- as a name', ['--', '--help'], { flags: {}, positional: ['--help'] }],
  ];
  for (const [name, argv, want] of ok) it(`reads ${name}`, () => assert.deepEqual(parseArgs(argv, SPEC), want));

  const bad: Array<[string, string[], string]> = [
    ['an unknown flag', ['--colour', 'red'], 'cloudeye thing: unknown flag --colour (see cloudeye thing --help)'],
    ['an unknown flag with =', ['--colour=red'], 'cloudeye thing: unknown flag --colour (see cloudeye thing --help)'],
    ['a short flag', ['-v'], 'cloudeye thing: unknown flag -v (see cloudeye thing --help)'],
    ['a bare --=', ['--=1'], 'cloudeye thing: unknown flag -- (see cloudeye thing --help)'],
    ['a value flag at the end', ['--port'], 'cloudeye thing: --port needs a value (see cloudeye thing --help)'],
    ['a switch with a value', ['--verbose=1'], 'cloudeye thing: --verbose takes no value (see cloudeye thing --help)'],
    ['one name too many', ['a', 'b'], "cloudeye thing: unexpected argument 'b' (see cloudeye thing --help)"],
  ];
  for (const [name, argv, message] of bad) {
    it(`refuses ${name}`, () =>
      assert.throws(
        () => parseArgs(argv, SPEC),
        (e: Error) => e instanceof UsageError && e.message === message,
      ));
  }

  it('answers --help or -h anywhere before -- with the usage, even beside bad flags', () => {
    for (const argv of [['--help'], ['-h'], ['--port', '80', '--help'], ['--colour', '--help']]) {
      assert.throws(
        () => parseArgs(argv, SPEC),
        (e: Error) => e instanceof HelpRequested && e.text === usageOf(SPEC),
        argv.join(' '),
      );
    }
    assert.equal(
      usageOf(SPEC),
      'usage: cloudeye thing [--port N] [--verbose] [NAME]\n\n  --port N            a port\n  --verbose           say more\n  --help              this text\n',
    );
  });

  it('reads integers within bounds, naming the flag otherwise', () => {
    assert.equal(intFlag(parseArgs(['--port', '80'], SPEC), 'port', 1, 0, 65535), 80);
    assert.equal(intFlag(parseArgs([], SPEC), 'port', 8080, 0, 65535), 8080);
    for (const v of ['-1', '65536', '1.5', 'x', '']) {
      assert.throws(
        () => intFlag(parseArgs(['--port', v], SPEC), 'port', 1, 0, 65535),
        /--port must be an integer from 0 to 65535/,
        v,
      );
    }
  });
});
