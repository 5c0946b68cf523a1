// The rule form's weekly windows: "days start-end" lines read into the API's { days, start, end } and written back.
import assert from 'node:assert/strict';
import { formatWindow, parseWindow } from '../../web/src/admin/rule-form';

describe('console rule form: weekly windows', () => {
  const cases: Array<[string, string, ReturnType<typeof parseWindow>]> = [
    ['a weekday range', '1-5 08:00-18:00', { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
    ['listed days', '0,6 00:00-24:00', { days: [0, 6], start: '00:00', end: '24:00' }],
    ['ranges and days, spaces', ' 5-6 , 0  22:00 - 23:30 ', { days: [0, 5, 6], start: '22:00', end: '23:30' }],
    ['one day', '3 07:15-07:45', { days: [3], start: '07:15', end: '07:45' }],
    ['no days', '08:00-18:00', null],
    ['a day out of the week', '7 08:00-18:00', null],
    ['no end', '1-5 08:00', null],
    ['words', 'weekdays 08:00-18:00', null],
    ['a one-digit hour', '1 8:00-18:00', null],
  ];
  for (const [name, line, want] of cases)
    it(`${name}: ${JSON.stringify(line)}`, () => {
      assert.deepEqual(parseWindow(line), want);
      if (want) assert.deepEqual(parseWindow(formatWindow(want)), want, 'written back, it reads the same');
    });
});
