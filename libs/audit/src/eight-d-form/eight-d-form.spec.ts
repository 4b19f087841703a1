import { buildEightDReport } from '../eight-d/eight-d-report';
import { FULL_EIGHT_D_STEPS, fullEightDSources } from './__fixtures__/full-eight-d';
import { buildEightDForm, type EightDForm, type FormBlock } from './eight-d-form';
import { pickFormLanguage } from './labels';
import { localDateTime, spreadsheetDate } from './local-time';

const options = { timeZone: 'Asia/Shanghai', printedAt: new Date('2026-12-05T02:00:00Z') };
const formOf = (lang: 'zh-CN' | 'en', steps = FULL_EIGHT_D_STEPS): EightDForm =>
  buildEightDForm(buildEightDReport(fullEightDSources(steps)), { ...options, lang });
const section = (form: EightDForm, id: string) => form.sections.find((candidate) => candidate.id === id);
const textOf = (blocks: readonly FormBlock[] | undefined): string => JSON.stringify(blocks ?? []);

describe('the 8D report form', () => {
  it('heads the form with the complaint, in local time', () => {
    const form = formOf('zh-CN');
    expect(form.title).toBe('客户抱怨处理单 / 8D报告');
    expect(form.header).toEqual(
      expect.arrayContaining([
        { label: '抱怨编号', value: 'CC-2026-0042' },
        { label: '接收日期', value: '2026-11-20 09:00' },
        { label: '严重度', value: '紧急' },
        { label: '客诉数量', value: '12' },
      ]),
    );
    expect(form.sections.map((entry) => entry.id)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D7', 'D8', 'approval', 'reply']);
  });

  it('splits the current root cause into occurrence and escape, with the 5M1E category and method', () => {
    const d4 = textOf(section(formOf('en'), 'D4')?.blocks);
    expect(d4).toContain('"Occurrence (why it was made)","value":"去毛刺刀具磨损超过寿命');
    expect(d4).toContain('"Escape (why it was not detected)","value":"终检为每小时抽检');
    expect(d4).toContain('Machine');
    expect(d4).toContain('5-Why');
    expect(d4).not.toContain('作业员未按要求去毛刺'); // the superseded analysis
  });

  it('lists each corrective action with owner, due, done, verified and its reschedule history', () => {
    const table = section(formOf('zh-CN'), 'D5')?.blocks[0];
    expect(table?.kind).toBe('table');
    if (table?.kind !== 'table') return;
    expect(table.rows[0]).toEqual([
      'CA-1',
      '更换去毛刺刀具，刀具寿命计数纳入设备点检\n(完成证据: 刀具参数调整并加装在线毛刺检测)',
      '吴刚',
      '2026-12-05',
      '2026-12-03 16:00',
      '2026-12-04 11:00 li.na',
      '2026-11-28 → 2026-12-05 (无效: 复查仍有轻微毛刺)',
    ]);
  });

  it('shows the approved waiver in D7 and who approved the 8D decision and when', () => {
    const form = formOf('zh-CN');
    const d7 = textOf(section(form, 'D7')?.blocks);
    expect(d7).toContain('免除理由: 其他产线已使用带寿命计数的自动换刀设备');
    expect(d7).toContain('"核准人","value":"chen.jun"');
    expect(d7).toContain('"核准日期","value":"2026-11-22 13:00"');
    const approval = section(form, 'approval')?.blocks[0];
    expect(approval?.kind === 'table' && approval.rows).toEqual(
      expect.arrayContaining([['8D核决', 'chen.jun', '2026-11-23 09:00', '同意按 CA-1、CA-2 执行，预防措施免除。']]),
    );
  });

  it('shows the actions as not applicable when the complaint was decided not ours', () => {
    const [registered, assigned, contained, rootCause] = FULL_EIGHT_D_STEPS;
    const notOurs: (typeof FULL_EIGHT_D_STEPS)[number] = [
      { type: 'ResponsibilityDecided', data: { complaintNumber: 'CC-2026-0042', occurredAt: '2026-11-21T07:00:00.000Z', responsibility: 'not_ours', explanation: '客户装配扭矩超规格', quantityAffected: 12 } },
      { userId: 'li.na', role: 'quality' },
    ];
    const steps = [registered, assigned, contained, rootCause, notOurs].filter((step) => step !== undefined);
    const form = formOf('zh-CN', steps);
    expect(textOf(section(form, 'D5')?.blocks)).toContain('不适用 (非本公司责任)');
    expect(textOf(section(form, 'D4')?.blocks)).toContain('客户装配扭矩超规格');
    expect(textOf(section(form, 'D5')?.blocks)).not.toContain('待定');
  });

  it('marks what has not happened yet as pending', () => {
    const form = formOf('en', FULL_EIGHT_D_STEPS.slice(0, 3));
    expect(textOf(section(form, 'D4')?.blocks)).toContain('Pending');
    const approval = section(form, 'approval')?.blocks[0];
    expect(approval?.kind === 'table' && approval.rows).toContainEqual(['8D decision', 'Pending', '', '']);
    expect(textOf(section(form, 'reply')?.blocks)).not.toContain('8D 报告');
  });
});

describe('language and local time', () => {
  it('takes ?lang= first, then the best Chinese or English Accept-Language, else Chinese', () => {
    expect(pickFormLanguage('en', 'zh-CN')).toBe('en');
    expect(pickFormLanguage(undefined, 'de-DE, en;q=0.8, zh;q=0.5')).toBe('en');
    expect(pickFormLanguage(undefined, 'en;q=0.3, zh-TW;q=0.9')).toBe('zh-CN');
    expect(pickFormLanguage(undefined, 'fr')).toBe('zh-CN');
    expect(pickFormLanguage(undefined, undefined)).toBe('zh-CN');
  });

  it('shows instants as local yyyy-mm-dd hh:mm and gives spreadsheets the local wall clock', () => {
    expect(localDateTime('2026-11-20T01:00:00.000Z', 'Asia/Shanghai')).toBe('2026-11-20 09:00');
    expect(localDateTime('2026-11-25T15:59:59.999Z', 'Asia/Shanghai')).toBe('2026-11-25 23:59');
    expect(spreadsheetDate('2026-11-20T01:00:00.000Z', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-20T09:00:00.000Z');
    expect(spreadsheetDate(null, 'Asia/Shanghai')).toBeNull();
  });
});
