import { describe, expect, it } from 'vitest';
import { envSwitch } from '../../src/config/env-switch.js';

describe('envSwitch', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    [' on ', true],
    [undefined, false],
    ['', false],
    ['0', false],
    ['False', false],
    ['no', false],
    ['off', false],
    ['2', undefined],
    ['skip', undefined],
  ])('%j is %j', (value, expected) => {
    expect(envSwitch(value)).toBe(expected);
  });
});
