import { buildEightDForm, buildEightDReport } from '@qms/audit';
import { fullEightDSources } from '../../../../../libs/audit/src/eight-d-form/__fixtures__/full-eight-d';
import { EIGHT_D_FORM_SHEET, eightDFormSheet } from './eight-d-form.xlsx';

const form = buildEightDForm(buildEightDReport(fullEightDSources()), {
  lang: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  printedAt: new Date('2026-12-05T02:00:00Z'),
});

describe('the 8D form workbook', () => {
  const sheet = eightDFormSheet(form);
  const titles = new Map<number, string>();
  sheet.eachRow((row, number) => {
    const value = row.getCell(1).value;
    if (typeof value === 'string' && /^(D\d|核决 Approval|客户回复 Customer)/.test(value)) titles.set(number, value);
  });

  it('is one sheet of eight grid columns with every section title across the width', () => {
    expect(sheet.name).toBe(EIGHT_D_FORM_SHEET);
    expect([...titles.values()]).toEqual([
      'D1 小组成员 Team',
      'D2 问题描述 Problem description',
      'D3 临时对策 Containment',
      'D4 根本原因 Root cause',
      'D5/D6 纠正措施及验证 Corrective actions',
      'D7 预防措施 Preventive actions',
      'D8 效果确认及结案 Verification and closure',
      '核决 Approval',
      '客户回复 Customer reply',
    ]);
    for (const row of titles.keys()) expect(sheet.getCell(row, 8).isMerged).toBe(true);
  });

  it('starts a section on a new page rather than splitting it near the foot of a page', () => {
    expect(sheet.model.rowBreaks.length).toBeGreaterThan(0);
    for (const pageBreak of sheet.model.rowBreaks) {
      // The break falls after the row before a section's gap row, so the title opens the page.
      expect(titles.has(pageBreak.id + 2)).toBe(true);
    }
  });
});
