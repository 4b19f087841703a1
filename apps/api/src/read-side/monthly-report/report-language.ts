import { ValidationError } from '@qms/domain-kernel';

/** The languages people read the monthly report in; Chinese is this user base's default. */
export const REPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];
export const DEFAULT_REPORT_LANGUAGE: ReportLanguage = 'zh-CN';

/**
 * `?lang=` when given (anything else is refused), else the first language of `Accept-Language`
 * (by q-value) that is Chinese or English, else Chinese.
 */
export function reportLanguage(lang: string | undefined, acceptLanguage: string | undefined): ReportLanguage {
  if (lang !== undefined) {
    const chosen = REPORT_LANGUAGES.find((candidate) => candidate.toLowerCase() === lang.toLowerCase());
    if (chosen === undefined) throw ValidationError.field('lang', `must be one of ${REPORT_LANGUAGES.join(', ')}`);
    return chosen;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return DEFAULT_REPORT_LANGUAGE;
}
