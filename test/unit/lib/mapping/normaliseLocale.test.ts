import { describe, expect, it } from '@jest/globals';
import { normaliseLocale } from '../../../../lib/mapping/index.ts';

describe('normaliseLocale', () => {
  it.each([
    ['pt', 'pt'],
    ['pt-PT', 'pt'],
    ['pt_BR', 'pt'],
    ['PT', 'pt'],
    ['es-ES', 'es'],
    ['en-GB', 'en'],
    ['en', 'en'],
    ['fr', 'fr-fr'],
    ['fr-FR', 'fr-fr'],
    ['fr-CA', 'fr-fr'],
    ['de', 'de'],
    ['zh', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['zh-Hant-TW', 'zh-CN'],
    [' en-US ', 'en'],
  ])('maps %j to %j', (input, expected) => {
    expect(normaliseLocale(input)).toBe(expected);
  });

  it.each([['it'], ['nl-NL'], [''], ['english'], ['en--GB'], ['p'], [null], [undefined]])(
    'returns undefined for the unsupported or malformed %j',
    (input) => {
      expect(normaliseLocale(input)).toBeUndefined();
    },
  );
});
