import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from './support/test-app';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const customer = 'EXPORT-CN';

/** Received 2026-03-06 09:00Z = 17:00 in Shanghai, the default zone. */
const registration = (overrides: Record<string, unknown> = {}) => ({
  customerId: customer,
  customerContact: '王磊 SQE',
  partNo: 'BRK-2231-A',
  lot: 'L-2026-03',
  defectDescription: '安装孔毛刺',
  quantityAffected: 1200,
  severity: 'urgent',
  channel: 'email',
  receivedAt: '2026-03-06T09:00:00Z',
  returnNeeded: true,
  customerProductionAffected: false,
  occurredAt: '2026-03-06T10:00:00Z',
  ...overrides,
});

describe('complaint lists exported for Excel: 客户抱怨处理总表 and 追踪一览表', () => {
  let api: TestApp;
  let first: string;
  let second: string;
  let position = 0;

  const post = async (url: string, key: string, body: unknown) => {
    const response = await api.request('POST', url, { key, body });
    if (response.status >= 300) throw new Error(`POST ${url} as ${key}: ${response.status} ${response.text}`);
    position = Math.max(position, response.body.position as number);
    return response;
  };
  const exportUrl = (query: string) => `/complaints/export?customerId=${customer}&minPosition=${position}&${query}`;
  const workbookOf = async (query: string, headers: Record<string, string> = {}) => {
    const response = await api.app.inject({ method: 'GET', url: exportUrl(query), headers: { authorization: 'Bearer dev-auditor', ...headers } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    return workbook;
  };
  const headerOf = (sheet: ExcelJS.Worksheet | undefined): string[] => (sheet?.getRow(1).values as unknown[]).slice(1).map(String);
  const columnOf = (sheet: ExcelJS.Worksheet | undefined, label: string): number => headerOf(sheet).indexOf(label) + 1;

  beforeAll(async () => {
    api = await startTestApp();
    first = (await post('/complaints', 'dev-sales', registration())).body.complaintNumber;
    second = (await post('/complaints', 'dev-sales', registration({ defectDescription: '=HYPERLINK("http://x")', receivedAt: '2026-03-07T02:00:00Z', occurredAt: '2026-03-07T02:00:00Z', channel: 'phone' }))).body.complaintNumber;
    const on = (step: string) => `/complaints/${first}/${step}`;
    await post(on('assignment'), 'dev-quality', { department: 'assembly', occurredAt: '2026-03-06T11:00:00Z' });
    await post(on('containment'), 'dev-quality', { description: '全检', quantitySecured: 480, occurredAt: '2026-03-07T01:00:00Z' });
    await post(on('root-cause'), 'dev-department-assembly', { category: 'machine', method: 'five_why', description: '刀具磨损', departmentExplanation: '寿命未管控', occurredAt: '2026-03-08T01:00:00Z' });
    await post(on('responsibility'), 'dev-quality', { responsibility: 'ours', explanation: '刀具管理', occurredAt: '2026-03-08T02:00:00Z' });
    const systemic = { similarProductsCovered: ['BRK-2232-A'], similarProcessesCovered: [], pfmea: { revised: true, revision: 'Rev.C' }, controlPlan: { revised: true, revision: 'Rev.B' } };
    await post(on('corrective-actions'), 'dev-department-assembly', { description: '更换刀具', owner: '吴刚', dueAt: '2026-03-20', ...systemic, occurredAt: '2026-03-09T01:00:00Z' });
    await post(on('preventive-actions'), 'dev-department-assembly', { description: '寿命计数', owner: '李娜', dueAt: '2026-03-30', occurredAt: '2026-03-09T02:00:00Z' });
    await post(on('action-plan/submission'), 'dev-department-assembly', { occurredAt: '2026-03-09T03:00:00Z' });
    await post(on('8d-decision/approval'), 'dev-management', { decision: '同意', occurredAt: '2026-03-10T01:00:00Z' });
    await post(on('actions/CA-1/completion'), 'dev-department-assembly', { evidence: '已更换', occurredAt: '2026-03-18T01:00:00Z' });
    await post(on('actions/CA-1/verification'), 'dev-quality', { result: 'not_effective', newDueAt: '2026-04-10', comment: '仍有毛刺', occurredAt: '2026-03-19T01:00:00Z' });
    await post(on('customer-reply'), 'dev-sales', { message: '已回复', occurredAt: '2026-03-12T01:00:00Z' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('writes both lists as sheets with Chinese headers, a bold frozen header, a filter and widths', async () => {
    const workbook = await workbookOf('format=xlsx');
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['客户抱怨处理总表', '客户抱怨处理追踪一览表']);
    const [master, tracking] = workbook.worksheets;
    expect(headerOf(master)).toEqual(expect.arrayContaining(['抱怨编号', '接收日期', '客户联系人', '受理方式', '客户回复日期', '已开天数']));
    expect(headerOf(tracking)).toEqual(expect.arrayContaining(['措施编号', '负责人', '当前期限', '改期记录', '验证结果']));
    for (const sheet of [master, tracking]) {
      expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet?.autoFilter).toBeDefined();
      expect(sheet?.getRow(1).font?.bold).toBe(true);
      expect(sheet?.getColumn(1).width).toBeGreaterThan(10);
    }
  });

  it('holds real dates in the configured zone and numbers with rounded display formats, equal to the read model', async () => {
    const row = (await api.request('GET', `/complaints/${first}/row?minPosition=${position}`, { key: 'dev-auditor' })).body;
    const master = (await workbookOf('format=xlsx')).worksheets[0];
    const line = [2, 3].map((index) => master?.getRow(index)).find((candidate) => candidate?.getCell(1).value === first);
    expect(line).toBeDefined();
    if (line === undefined || master === undefined) return;
    const cell = (label: string) => line.getCell(columnOf(master, label));
    expect(cell('接收日期').value).toEqual(new Date('2026-03-06T17:00:00.000Z')); // 17:00 local, as Excel shows it
    expect(cell('接收日期').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(cell('客户回复日期').value).toEqual(new Date('2026-03-12T09:00:00.000Z'));
    expect(cell('数量').value).toBe(row.master.quantity);
    expect(typeof cell('已开天数').value).toBe('number');
    expect(cell('已开天数').numFmt).toBe('0.0');
    expect(cell('客户联系人').value).toBe('王磊 SQE');
    expect(cell('受理方式').value).toBe('邮件');
    expect(cell('严重度').value).toBe('紧急');
    expect(cell('责任单位').value).toBe(row.master.department);
  });

  it('gives the tracking list one row per action with its reschedule history', async () => {
    const tracking = (await workbookOf('format=xlsx')).worksheets[1];
    if (tracking === undefined) throw new Error('no tracking sheet');
    const lines: ExcelJS.Row[] = [];
    tracking.eachRow((row, index) => index > 1 && lines.push(row));
    const rows = lines.map((line) => ({
      number: line.getCell(1).value,
      action: line.getCell(columnOf(tracking, '措施编号')).value,
      due: line.getCell(columnOf(tracking, '当前期限')).value,
      reschedules: line.getCell(columnOf(tracking, '改期记录')).value,
      verification: line.getCell(columnOf(tracking, '验证结果')).value,
    }));
    expect(rows).toEqual(
      expect.arrayContaining([
        { number: first, action: 'CA-1', due: new Date('2026-04-10T23:59:59.000Z'), reschedules: '2026-03-20 → 2026-04-10 (无效)', verification: '无效' },
        expect.objectContaining({ number: first, action: 'PA-1', reschedules: null }),
        expect.objectContaining({ number: second, action: null }),
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  it('speaks English by ?lang= or Accept-Language', async () => {
    for (const workbook of [await workbookOf('format=xlsx&lang=en'), await workbookOf('format=xlsx', { 'accept-language': 'en-US,en;q=0.9' })]) {
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Complaint master list', 'Complaint tracking list']);
      expect(headerOf(workbook.worksheets[0])).toEqual(expect.arrayContaining(['Complaint no.', 'Received', 'Contact', 'Channel', 'Customer reply', 'Days open']));
    }
  });

  it('writes the same columns as CSV: UTF-8 with BOM, local dates, one decimal, formulas defused', async () => {
    const master = await api.request('GET', exportUrl('format=csv'), { key: 'dev-auditor' });
    expect(master.status).toBe(200);
    expect(master.text.startsWith('\uFEFF抱怨编号,接收日期,客户,客户联系人,受理方式')).toBe(true);
    const lines = master.text.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    const firstLine = lines.find((line) => line.startsWith(first)) ?? '';
    expect(firstLine).toContain(',2026-03-06 17:00,');
    expect(firstLine).toMatch(/,\d+\.\d,(是|否)$/);
    expect(lines.find((line) => line.startsWith(second))).toContain(`"'=HYPERLINK(""http://x"")"`);
    const tracking = await api.request('GET', exportUrl('format=csv&list=tracking&lang=en'), { key: 'dev-auditor' });
    const trackingLines = tracking.text.split('\r\n').filter(Boolean);
    expect(trackingLines[0]).toContain('Complaint no.,Received');
    expect(trackingLines).toHaveLength(4);
  });

  it('refuses an unknown list or language', async () => {
    expect((await api.request('GET', exportUrl('format=csv&list=both'), { key: 'dev-auditor' })).status).toBe(400);
    expect((await api.request('GET', exportUrl('format=csv&lang=fr'), { key: 'dev-auditor' })).status).toBe(400);
  });
});
