import { ValidationError } from '@qms/domain-kernel';
import { reportLanguage } from './report-language';

describe('the language of a report', () => {
  it('is ?lang= when given, whatever Accept-Language says', () => {
    expect(reportLanguage('en', 'zh-CN')).toBe('en');
    expect(reportLanguage('zh-cn', 'en')).toBe('zh-CN');
  });

  it('refuses a language it does not have, naming lang', () => {
    const refusal = (() => {
      try {
        reportLanguage('fr', undefined);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).fieldErrors.map((error) => error.field)).toEqual(['lang']);
  });

  it('otherwise follows the first Chinese or English entry of Accept-Language by q-value', () => {
    expect(reportLanguage(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(reportLanguage(undefined, 'fr-FR,zh-TW;q=0.8,en;q=0.5')).toBe('zh-CN');
    expect(reportLanguage(undefined, 'zh;q=0.3, en;q=0.7')).toBe('en');
    expect(reportLanguage(undefined, 'en;q=0, zh')).toBe('zh-CN');
  });

  it('is Chinese when nothing says otherwise', () => {
    expect(reportLanguage(undefined, undefined)).toBe('zh-CN');
    expect(reportLanguage(undefined, 'fr, de;q=0.5')).toBe('zh-CN');
  });
});
