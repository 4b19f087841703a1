import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from './support/test-app';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Received 2026-03-06 09:00Z = 17:00 in Shanghai, the default policy's zone. */
const registration = {
  customerId: 'SGM',
  customerContact: '王磊',
  partNo: 'BRK-2231-A',
  lot: 'L-2026-03',
  defectDescription: '安装孔毛刺',
  quantityAffected: 12,
  severity: 'urgent',
  channel: 'email',
  receivedAt: '2026-03-06T09:00:00Z',
  returnNeeded: true,
  customerProductionAffected: true,
  occurredAt: '2026-03-06T10:00:00Z',
};

describe('the 8D report form (客户抱怨处理单 / 8D报告)', () => {
  let api: TestApp;
  let number: string;
  let afterContainment: string;

  const post = async (url: string, key: string, body: unknown) => {
    const response = await api.request('POST', url, { key, body });
    if (response.status >= 300) throw new Error(`POST ${url} as ${key}: ${response.status} ${response.text}`);
    return response;
  };
  const get = (url: string, key = 'dev-auditor', headers: Record<string, string> = {}) => api.request('GET', url, { key, headers });
  const workbookOf = async (url: string) => {
    const response = await api.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer dev-auditor' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    return workbook;
  };

  beforeAll(async () => {
    api = await startTestApp();
    number = (await post('/complaints', 'dev-sales', registration)).body.complaintNumber;
    const on = (step: string) => `/complaints/${number}/${step}`;
    await post(on('assignment'), 'dev-quality', { department: 'assembly', occurredAt: '2026-03-06T11:00:00Z' });
    await post(on('containment'), 'dev-quality', { description: '库存 100% 全检', quantitySecured: 480, occurredAt: '2026-03-07T01:00:00Z' });
    const history = await get(`/audit/complaints/${number}/history`);
    afterContainment = history.body.items.at(-1).recordedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await post(on('root-cause'), 'dev-department-assembly', {
      category: 'machine',
      method: 'five_why',
      description: '去毛刺刀具磨损',
      departmentExplanation: '刀具寿命未管控',
      escapeDescription: '终检抽检目视无法发现 0.2 mm 毛刺',
      occurredAt: '2026-03-08T01:00:00Z',
    });
    await post(on('responsibility'), 'dev-quality', { responsibility: 'ours', explanation: '刀具管理缺失', occurredAt: '2026-03-08T02:00:00Z' });
    await post(on('corrective-actions'), 'dev-department-assembly', {
      description: '更换刀具并纳入点检',
      owner: '吴刚',
      dueAt: '2026-04-30',
      similarProductsCovered: ['BRK-2232-A'],
      similarProcessesCovered: [],
      pfmea: { revised: true, revision: 'PFMEA-12 Rev.C' },
      controlPlan: { revised: false, reason: '检验已在控制计划中' },
      occurredAt: '2026-03-09T01:00:00Z',
    });
    await post(on('preventive-action-waiver'), 'dev-department-assembly', { reason: '其他产线已自动换刀', occurredAt: '2026-03-09T02:00:00Z' });
    await post(on('preventive-action-waiver/approval'), 'dev-management', { comment: '同意', occurredAt: '2026-03-09T03:00:00Z' });
    await post(on('action-plan/submission'), 'dev-department-assembly', { occurredAt: '2026-03-09T04:00:00Z' });
    await post(on('8d-decision/approval'), 'dev-management', { decision: '同意执行', occurredAt: '2026-03-10T01:00:00Z' });
    await post(on('actions/CA-1/completion'), 'dev-department-assembly', { evidence: '刀具已更换', occurredAt: '2026-03-20T01:00:00Z' });
    await post(on('actions/CA-1/verification'), 'dev-quality', { result: 'effective', occurredAt: '2026-03-25T01:00:00Z' });
    await post(on('customer-reply'), 'dev-sales', { message: '8D 报告已发送客户', occurredAt: '2026-03-26T01:00:00Z' });
    await post(on('closure'), 'dev-quality', { remarks: '结案', occurredAt: '2026-03-27T01:00:00Z' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('is a Chinese printable page by default, with local dates and no field names or UTC strings', async () => {
    const response = await get(`/complaints/${number}/8d-report`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = response.text;
    for (const text of ['客户抱怨处理单', 'D3 临时对策', 'D4 根本原因', '流出原因', 'D7 预防措施', '核决', '客户回复', '@page']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('2026-03-06 17:00'); // received, Shanghai time
    expect(html).toContain('终检抽检目视无法发现 0.2 mm 毛刺');
    expect(html).toContain('480');
    expect(html).toMatch(/dev\.management<\/td><td colspan="2" class="long">2026-03-10 09:00/); // who approved the 8D decision, and when
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(html).not.toMatch(/customerProductionAffected|escapeDescription|quantitySecured/);
    expect(html).not.toMatch(/<(script|link)\b|src="http/);
  });

  it('speaks English when asked by ?lang= or Accept-Language', async () => {
    const byQuery = await get(`/complaints/${number}/8d-report?lang=en`);
    const byHeader = await get(`/complaints/${number}/8d-report`, 'dev-sales', { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
    for (const response of [byQuery, byHeader]) {
      expect(response.headers['content-language']).toBe('en');
      expect(response.text).toContain('D4 Root cause');
      expect(response.text).toContain('Escape (why it was not detected)');
      expect(response.text).not.toContain('根本原因');
    }
  });

  it('is an A4 workbook laid out like the form: fit to width, print area, repeated title rows, merged bordered cells', async () => {
    const workbook = await workbookOf(`/complaints/${number}/8d-report?format=xlsx`);
    const sheet = workbook.getWorksheet('8D');
    expect(sheet).toBeDefined();
    if (sheet === undefined) return;
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' });
    expect(sheet.pageSetup.printArea).toBe(`A1:H${sheet.rowCount}`);
    const texts: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts).toEqual(expect.arrayContaining(['客户抱怨处理单 / 8D报告', number, 'D4 根本原因 Root cause', '流出原因 (为何未检出)', '2026-03-06 17:00']));
    const title = sheet.getCell('A1');
    expect(title.isMerged).toBe(true);
    const header = sheet.getCell('B3');
    expect(header.border?.top?.style).toBe('thin');
  });

  it('shows the report as it stood at a past instant', async () => {
    const response = await get(`/complaints/${number}/8d-report?at=${afterContainment}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('库存 100% 全检');
    expect(response.text).not.toContain('去毛刺刀具磨损');
    expect(response.text).toContain('待定'); // root cause, decision: not yet
    const workbook = await workbookOf(`/complaints/${number}/8d-report?format=xlsx&lang=en&at=${afterContainment}`);
    const texts: string[] = [];
    workbook.getWorksheet('8D')?.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts).toContain('D4 Root cause');
    expect(texts).not.toContain('去毛刺刀具磨损');
  });

  it('is documented in OpenAPI, with the reopening\'s new facts', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }>();
    const parameters = spec.paths['/complaints/{number}/8d-report']?.get?.parameters?.map((parameter) => parameter.name);
    expect(parameters).toEqual(expect.arrayContaining(['number', 'format', 'lang', 'at', 'basis']));
    expect(Object.keys(spec.components.schemas['ReopenComplaintDto']?.properties ?? {})).toEqual(
      expect.arrayContaining(['reason', 'quantityAffected', 'lot', 'defectDescription', 'customerDeadline']),
    );
  });

  it('refuses an unknown complaint, a bad format or instant, and an unauthenticated reader', async () => {
    expect((await get('/complaints/CC-2026-9999/8d-report')).status).toBe(404);
    expect((await get(`/complaints/${number}/8d-report?format=pdf`)).status).toBe(400);
    expect((await get(`/complaints/${number}/8d-report?at=yesterday`)).status).toBe(400);
    expect((await get(`/complaints/${number}/8d-report?at=2020-01-01T00:00:00Z`)).status).toBe(404);
    const anonymous = await api.app.inject({ method: 'GET', url: `/complaints/${number}/8d-report` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('reopens with the customer\'s new quantity, lot and description; the rest is copied', async () => {
    const response = await post(`/complaints/${number}/reopening`, 'dev-sales', {
      reason: '客户再次发现毛刺',
      quantityAffected: 30,
      lot: 'L-2026-04',
      defectDescription: '第二批安装孔毛刺',
      occurredAt: '2026-04-02T01:00:00Z',
    });
    const reopenedAs = response.body.reopenedAs as string;
    expect(reopenedAs).toBe(`${number}-1`);
    const html = (await get(`/complaints/${reopenedAs}/8d-report?lang=en`)).text;
    expect(html).toContain('L-2026-04');
    expect(html).toContain('第二批安装孔毛刺');
    expect(html).toContain('>30<');
    expect(html).toContain('BRK-2231-A');
    expect(html).toContain('王磊');
    const refused = await api.request('POST', `/complaints/${reopenedAs}/reopening`, { key: 'dev-sales', body: { reason: 'x', quantityAffected: 0 } });
    expect(refused.status).toBe(400);
  });
});
