// Sweep target expansion: CIDR sizes, host:port entries, named errors for bad input.
import assert from 'node:assert/strict';
import { expandCidr, OnvifTargetError, parseTargets } from '../../gateway/onvif/index';

describe('onvif sweep targets', () => {
  const sizes: Array<[string, number, string, string]> = [
    ['/24', 254, '10.0.0.1', '10.0.0.254'],
    ['/30', 2, '10.0.0.1', '10.0.0.2'],
    ['/31', 2, '10.0.0.0', '10.0.0.1'],
    ['/32', 1, '10.0.0.0', '10.0.0.0'],
    ['/16', 65534, '10.0.0.1', '10.0.255.254'],
  ];
  for (const [p, n, first, last] of sizes) {
    it(`expands 10.0.0.0${p}`, () => {
      const hosts = expandCidr(`10.0.0.0${p}`);
      assert.equal(hosts.length, n);
      assert.equal(hosts[0], first);
      assert.equal(hosts.at(-1), last);
    });
  }
  const bad: Array<[string, string, RegExp]> = [
    ['too wide for the default limit', '10.0.0.0/15', /wider than the limit \/16/],
    ['host bits set', '10.0.0.5/24', /host bits set/],
    ['prefix > 32', '10.0.0.0/33', /larger than \/32/],
    ['octet > 255', '10.0.0.256/24', /not an IPv4 CIDR/],
    ['IPv6', 'fd00::/64', /not an IPv4 CIDR/],
    ['garbage', 'ten/8', /not an IPv4 CIDR/],
  ];
  for (const [name, cidr, re] of bad)
    it(`refuses ${name}`, () =>
      assert.throws(
        () => expandCidr(cidr),
        (e: unknown) => e instanceof OnvifTargetError && re.test(e.message) && e.message.includes(cidr),
      ));
  it('maxSweepPrefix can be tightened', () => assert.throws(() => expandCidr('10.0.0.0/23', 24), OnvifTargetError));

  it('parses hosts, host:port and CIDRs together', () => {
    assert.deepEqual(parseTargets(['127.0.0.1:8001', 'cam-1.dept.local', '10.0.0.0/30']), [
      { host: '127.0.0.1', port: 8001 },
      { host: 'cam-1.dept.local' },
      { host: '10.0.0.1' },
      { host: '10.0.0.2' },
    ]);
    assert.deepEqual(parseTargets('10.0.0.1, 10.0.0.2:80'), [{ host: '10.0.0.1' }, { host: '10.0.0.2', port: 80 }]);
  });
  const badTargets: Array<[string, string]> = [
    ['port 0', '10.0.0.1:0'],
    ['port too big', '10.0.0.1:70000'],
    ['shell junk', '10.0.0.1;id'],
    ['bad IPv4', '300.1.1.1'],
    ['empty label', 'a..b'],
  ];
  for (const [name, t] of badTargets)
    it(`refuses target: ${name}`, () => assert.throws(() => parseTargets([t]), OnvifTargetError));
});
