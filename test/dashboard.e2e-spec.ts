import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { KPI_HEADER_ROW } from '../apps/api/src/read-side/monthly-report/monthly-report-workbook';
import { KPI_DISPLAY, REPORT_TEXT } from '../apps/api/src/read-side/monthly-report/report-labels';
import { HISTORY_CUSTOMERS, HISTORY_LAST_MONTH, seedMonthlyHistory } from './support/monthly-history';
import { startTestApp, type TestApp } from './support/test-app';

const MONTH = HISTORY_LAST_MONTH;
const LANGUAGES = ['zh-CN', 'en'] as const;
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOTS = join(__dirname, '..', 'tmp', 'screenshots');

if (!HAS_CHROMIUM) process.stderr.write(`dashboard page tests skipped: no Chromium at ${CHROMIUM} (install chromium or set CHROMIUM_PATH)\n`);

/** A JSON answer of the API, or an object of the page, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

/** What a tile shows for a KPI value: the page's rounding, in the page's language. */
const shown = (value: number | null, decimals: number, language: string) =>
  value === null ? '—' : new Intl.NumberFormat(language, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);

describe('monthly report for people: workbook and page', () => {
  let api: TestApp;
  let position = 0;
  let report: Json;

  beforeAll(async () => {
    api = await startTestApp();
    ({ position } = await seedMonthlyHistory(api));
    const response = await api.request('GET', `/reports/monthly/${MONTH}?minPosition=${position}`, { key: 'dev-management' });
    expect(response.status).toBe(200);
    // The month's report with every customer's section, each read as a reporting tool reads one.
    const head = response.body.report;
    const customerIds: string[] = head.customerIds ?? head.customers.map((customer: { customerId: string }) => customer.customerId);
    const sections = [];
    for (const customerId of customerIds) {
      sections.push((await api.request('GET', `/reports/monthly/${MONTH}?customerId=${customerId}`, { key: 'dev-management' })).body.report.customers[0]);
    }
    report = { ...head, customers: sections };
  }, 180_000);

  afterAll(async () => {
    await api?.close();
  });

  describe('GET /reports/monthly/:month/export?format=xlsx', () => {
    const workbookOf = async (query: string, headers: Record<string, string> = {}) => {
      const response = await api.app.inject({ method: 'GET', url: `/reports/monthly/${MONTH}/export${query}`, headers: { authorization: 'Bearer dev-quality', ...headers } });
      expect(response.statusCode).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      return { workbook, headers: response.headers, bytes: response.rawPayload };
    };

    it.each(LANGUAGES)('names the sheets and the headers in %s', async (language) => {
      const { workbook, headers, bytes } = await workbookOf(`?format=xlsx&lang=${language}`);
      // Kept beside the screenshots, to be looked at (and printed) by a person.
      mkdirSync(SCREENSHOTS, { recursive: true });
      writeFileSync(join(SCREENSHOTS, `monthly-report-${MONTH}-${language}.xlsx`), bytes);
      expect(headers['content-type']).toContain('spreadsheetml');
      expect(headers['content-disposition']).toContain(`monthly-report-${MONTH}-${language}.xlsx`);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(
        [REPORT_TEXT.sheetKpi, REPORT_TEXT.sheetCustomers, REPORT_TEXT.sheetDepartments, REPORT_TEXT.sheetReturns, REPORT_TEXT.sheetDeliveries].map((name) => name[language]),
      );
      const kpi = workbook.worksheets[0]!;
      expect(String(kpi.getCell(1, 1).value)).toContain(REPORT_TEXT.title[language]);
      expect(kpi.getRow(KPI_HEADER_ROW).values).toEqual([undefined, ...(['kpi', 'value', 'target', 'direction', 'met'] as const).map((key) => REPORT_TEXT[key][language])]);
      expect(KPI_DISPLAY.map((_display, index) => kpi.getCell(KPI_HEADER_ROW + 1 + index, 1).value)).toEqual(KPI_DISPLAY.map((display) => display.label[language]));
      const customers = workbook.worksheets[1]!;
      expect(customers.getCell(1, 1).value).toBe(REPORT_TEXT.customer[language]);
      expect(customers.getCell(1, 2).value).toBe(REPORT_TEXT.received[language]);
    });

    it('holds every KPI as a number (percentages as fractions with a % format), with the target and met flag of the API', async () => {
      const { workbook } = await workbookOf('?format=xlsx&lang=en');
      const sheet = workbook.getWorksheet('KPI')!;
      KPI_DISPLAY.forEach((display, index) => {
        const row = sheet.getRow(KPI_HEADER_ROW + 1 + index);
        const expected = report.total.kpis[display.name];
        const scale = display.kind === 'percent' ? 100 : 1;
        const [value, target, met] = [row.getCell(2), row.getCell(3), row.getCell(5)];
        if (expected.value === null) expect(value.value).toBe('—');
        else {
          expect(typeof value.value).toBe('number');
          expect((value.value as number) * scale).toBeCloseTo(expected.value, 9);
          expect(value.numFmt).toBe(display.kind === 'percent' ? '0.0%' : display.decimals === 1 ? '0.0' : '#,##0');
        }
        if (expected.target === null) expect(target.value).toBe('No target');
        else expect((target.value as number) * scale).toBeCloseTo(expected.target, 9);
        expect(met.value).toBe(expected.met === null ? '—' : expected.met ? 'Met' : 'Not met');
        if (expected.met !== null) expect((met.fill as ExcelJS.FillPattern).fgColor?.argb).toBe(expected.met ? 'FFC6EFCE' : 'FFFFC7CE');
      });
      // The history holds misses and hits both, so both colours are exercised.
      const flags = KPI_DISPLAY.map((display) => report.total.kpis[display.name].met);
      expect(flags).toEqual(expect.arrayContaining([true, false]));
    });

    it('lists every customer of the month with its own figures and the company total last', async () => {
      const { workbook } = await workbookOf('?format=xlsx', { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
      const sheet = workbook.getWorksheet('By customer')!;
      const rows = report.customers.length;
      expect(sheet.getColumn(1).values.slice(2, 2 + rows + 1)).toEqual([...report.customers.map((customer: { customerId: string }) => customer.customerId), 'Company total']);
      const header = sheet.getRow(1).values as string[];
      const ppm = header.indexOf('PPM');
      const otd = header.indexOf('On-time delivery');
      report.customers.forEach((customer: Json, index: number) => {
        const row = sheet.getRow(2 + index);
        expect(row.getCell(header.indexOf('Received')).value).toBe(customer.complaints.received);
        if (customer.deliveries.ppm === null) expect(row.getCell(ppm).value).toBeNull();
        else expect(row.getCell(ppm).value).toBeCloseTo(customer.deliveries.ppm, 9);
        if (customer.deliveries.onTimeDeliveryPercent !== null) expect((row.getCell(otd).value as number) * 100).toBeCloseTo(customer.deliveries.onTimeDeliveryPercent, 9);
      });
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).font?.bold ?? sheet.getCell(1, 1).font?.bold).toBe(true);
      expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      expect(sheet.getColumn(1).width).toBeGreaterThan(10);
    });

    it('breaks the month down by department, cause category and severity, each adding up to the total', async () => {
      const { workbook } = await workbookOf('?format=xlsx&lang=zh-CN');
      const sheet = workbook.getWorksheet(REPORT_TEXT.sheetDepartments['zh-CN'])!;
      expect(sheet.getCell(1, 1).value).toBe(REPORT_TEXT.department['zh-CN']);
      expect(sheet.getCell(1, 7).value).toBe(REPORT_TEXT.causeCategory['zh-CN']);
      expect(sheet.getCell(1, 13).value).toBe(REPORT_TEXT.severity['zh-CN']);
      const departments = report.total.complaints.byDepartment;
      departments.forEach((entry: { department: string | null; received: number }, index: number) => {
        expect(sheet.getCell(2 + index, 1).value).toBe(entry.department ?? REPORT_TEXT.notAssigned['zh-CN']);
        expect(sheet.getCell(2 + index, 2).value).toBe(entry.received);
      });
      const received = (column: number) =>
        (sheet.getColumn(column).values as unknown[]).slice(2).filter((value): value is number => typeof value === 'number');
      const lastRow = sheet.rowCount;
      for (const column of [2, 8, 14]) {
        expect(sheet.getCell(lastRow, column).value).toBe(report.total.complaints.received);
        expect(received(column).slice(0, -1).reduce((sum, value) => sum + value, 0)).toBe(report.total.complaints.received);
      }
    });

    it('refuses a language it does not have, naming the field', async () => {
      const response = await api.request('GET', `/reports/monthly/${MONTH}/export?format=xlsx&lang=fr`, { key: 'dev-quality' });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([expect.objectContaining({ field: 'lang' })]);
      expect((await api.request('GET', `/reports/monthly/${MONTH}/export?format=xlsx`)).status).toBe(401);
    });
  });

  describe('breakdowns for the page', () => {
    it('gives a Pareto sorted by complaints with a cumulative percentage reaching 100', async () => {
      const response = await api.request('GET', `/reports/monthly/${MONTH}/pareto?by=defect&months=12`, { key: 'dev-management' });
      expect(response.status).toBe(200);
      const { items, complaints, others } = response.body;
      expect(others).toBeNull();
      const counts = items.map((item: { complaints: number }) => item.complaints);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(counts.reduce((sum: number, count: number) => sum + count, 0)).toBe(complaints);
      expect(items.at(-1).cumulativePercent).toBeCloseTo(100, 9);
      const year = await api.request('GET', `/reports/monthly?from=2025-12&to=${MONTH}`, { key: 'dev-management' });
      expect(complaints).toBe(year.body.reports.reduce((sum: number, month: Json) => sum + month.total.complaints.received, 0));
    });

    it('counts the open 8Ds at the month end by age, adding up to the report’s open at end', async () => {
      const response = await api.request('GET', `/reports/monthly/${MONTH}/open-age`, { key: 'dev-management' });
      expect(response.status).toBe(200);
      expect(response.body.buckets.map((bucket: { bucket: string }) => bucket.bucket)).toEqual(['0-7', '8-14', '15-30', '>30']);
      expect(response.body.open).toBe(report.total.complaints.openAtEnd);
      for (const customerId of HISTORY_CUSTOMERS) {
        const customer = await api.request('GET', `/reports/monthly/${MONTH}/open-age?customerId=${customerId}`, { key: 'dev-management' });
        const section = report.customers.find((entry: { customerId: string }) => entry.customerId === customerId);
        expect(customer.body.open).toBe(section?.complaints.openAtEnd ?? 0);
      }
    });

    it('refuses an unknown breakdown, naming the field', async () => {
      const response = await api.request('GET', `/reports/monthly/${MONTH}/pareto?by=colour`, { key: 'dev-management' });
      expect(response.status).toBe(400);
      expect(response.body.fields.map((field: { field: string }) => field.field)).toEqual(['by']);
    });
  });

  describe('GET /dashboard', () => {
    it('serves the page without a key, under a policy that allows no inline script, and ECharts from the installed package', async () => {
      const page = await api.request('GET', '/dashboard');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
      expect(page.text).not.toMatch(/<script>(?!<\/script>)|\son[a-z]+=|https?:\/\//);
      const charts = await api.request('GET', '/dashboard/echarts.min.js');
      expect(charts.status).toBe(200);
      expect(charts.text).toContain('echarts');
      const again = await api.request('GET', '/dashboard/dashboard.js', { headers: { 'if-none-match': String((await api.request('GET', '/dashboard/dashboard.js')).headers['etag']) } });
      expect(again.status).toBe(304);
    });

    it('documents the page, the workbook and the breakdowns in OpenAPI', async () => {
      const { paths } = (await api.request('GET', '/docs-json')).body;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining(['/dashboard', '/reports/monthly/{month}/export', '/reports/monthly/{month}/pareto', '/reports/monthly/{month}/open-age']),
      );
      expect(paths['/reports/monthly/{month}/export'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
        expect.arrayContaining(['format', 'lang', 'Accept-Language']),
      );
    });
  });

  (HAS_CHROMIUM ? describe : describe.skip)(`the page in Chromium (${CHROMIUM})`, () => {
    let browser: Browser;
    let base = '';

    beforeAll(async () => {
      await api.app.listen(0, '127.0.0.1');
      base = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      mkdirSync(SCREENSHOTS, { recursive: true });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    const open = async (query: string, key = 'dev-management'): Promise<{ page: Page; errors: string[] }> => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${base}/dashboard?${query}`);
      await page.locator('#key').fill(key);
      await page.locator('#key-form button[type=submit]').click();
      return { page, errors };
    };

    const tilesDrawn = (page: Page) =>
      page.waitForFunction(() => {
        const document = (globalThis as Json).document; // specs compile without the DOM library
        return document.querySelectorAll('#tiles .tile').length > 0 && document.getElementById('status')?.textContent === '';
      });

    it.each(LANGUAGES)('shows every KPI of the API on a tile, draws every chart, logs no error (%s)', async (language) => {
      const { page, errors } = await open(`month=${MONTH}&lang=${language}`);
      await tilesDrawn(page);
      for (const display of KPI_DISPLAY) {
        const tile = page.locator(`#tiles [data-kpi="${display.name}"]`);
        const expected = report.total.kpis[display.name];
        expect(await tile.locator('.label').textContent()).toBe(display.label[language]);
        expect(await tile.locator('.value').textContent()).toBe(shown(expected.value, display.decimals, language));
        expect(await tile.getAttribute('class')).toContain(expected.met === true ? 'met' : expected.met === false ? 'missed' : 'none');
      }
      const charts = await page.evaluate(() =>
        [...(globalThis as Json).document.querySelectorAll('[data-chart]')].map((element: Json) => {
          const chart = (globalThis as Json).echarts.getInstanceByDom(element);
          const series: { data: unknown[] }[] = chart?.getOption().series ?? [];
          const canvas = element.querySelector('canvas');
          const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          let painted = 0;
          for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) painted += 1;
          const values = series.flatMap((entry) => entry.data).map((point) => (typeof point === 'object' && point !== null && 'value' in point ? point.value : point));
          return { chart: element.dataset['chart'] as string, numbers: values.filter((value) => typeof value === 'number' && value > 0).length, painted };
        }),
      );
      expect(charts.map((chart) => chart.chart)).toEqual(['ppm', 'otd', 'age', 'pareto-defect', 'pareto-part', 'pareto-customer', 'pareto-cause']);
      for (const chart of charts) {
        expect(chart).toMatchObject({ numbers: expect.any(Number), painted: expect.any(Number) });
        expect(chart.numbers).toBeGreaterThan(0);
        expect(chart.painted).toBeGreaterThan(1000);
      }
      expect(await page.locator('h1').textContent()).toBe(REPORT_TEXT.title[language]);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${language}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    it("shows a customer's own KPIs when the customer is picked", async () => {
      const { page, errors } = await open(`month=${MONTH}&lang=en`);
      await tilesDrawn(page);
      const customer = report.customers.find((entry: { deliveries: { ppm: number | null } }) => entry.deliveries.ppm !== null);
      await page.locator('#customer').selectOption(customer.customerId);
      await page.waitForFunction((id) => (globalThis as Json).document.getElementById('meta')?.textContent?.includes(id) === true, customer.customerId);
      await tilesDrawn(page);
      for (const display of KPI_DISPLAY) {
        const expected = customer.kpis[display.name];
        expect(await page.locator(`#tiles [data-kpi="${display.name}"] .value`).textContent()).toBe(shown(expected.value, display.decimals, 'en'));
      }
      expect(page.url()).toContain(`customer=${customer.customerId}`);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('switches language in place, widens the Pareto to twelve months and downloads the workbook with the key', async () => {
      const { page, errors } = await open(`month=${MONTH}&lang=zh-CN`);
      await tilesDrawn(page);
      await page.locator('button.lang[data-lang="en"]').click();
      expect(await page.locator('h1').textContent()).toBe(REPORT_TEXT.title.en);
      expect(await page.locator('#tiles [data-kpi="ppm"] .label').textContent()).toBe('Customer PPM');
      expect(page.url()).toContain('lang=en');

      await page.locator('button.scope[data-months="12"]').click();
      const year = await api.request('GET', `/reports/monthly/${MONTH}/pareto?by=defect&months=12&limit=10`, { key: 'dev-management' });
      await page.waitForFunction(
        (expected) => {
          const chart = (globalThis as Json).echarts.getInstanceByDom((globalThis as Json).document.getElementById('chart-pareto-defect'));
          const bars: { value: number }[] = chart?.getOption().series[0].data ?? [];
          return bars.reduce((sum, bar) => sum + bar.value, 0) === expected;
        },
        year.body.complaints,
      );
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-en-pareto-12-months.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
      expect(download.suggestedFilename()).toBe(`monthly-report-${MONTH}-en.xlsx`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(await download.path());
      expect(workbook.worksheets[0]!.name).toBe('KPI');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('shows a month without records as such, without an error', async () => {
      const { page, errors } = await open('month=2024-06&lang=en');
      await tilesDrawn(page);
      expect(await page.locator('#tiles [data-kpi="complaintsReceived"] .value').textContent()).toBe('0');
      expect(await page.locator('#tiles [data-kpi="ppm"] .value').textContent()).toBe('—');
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-en-empty-month.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('asks again for the key when the API refuses it', async () => {
      const { page } = await open(`month=${MONTH}&lang=en`, 'not-a-key');
      await page.locator('#key-error').waitFor({ state: 'visible' });
      expect(await page.locator('#key-error').textContent()).toBe('The key was refused; enter a valid key.');
      expect(await page.locator('#report').isHidden()).toBe(true);
      await page.close();
    });
  });
});

describe('monthly report breakdowns on MongoDB', () => {
  const mongoUrl = process.env['MONGO_URL'];
  if (mongoUrl === undefined) process.stderr.write('Monthly report breakdowns on MongoDB skipped: set MONGO_URL (e.g. from `npm run ferretdb`) to run them.\n');
  (mongoUrl === undefined ? describe.skip : describe)('Pareto and open-8D age from the MongoDB read models', () => {
    let api: TestApp;
    let position = 0;
    const customers = [`M-${randomUUID().slice(0, 6)}`, `N-${randomUUID().slice(0, 6)}`];

    beforeAll(async () => {
      api = await startTestApp({ MONGO_URL: mongoUrl!, MONGO_DATABASE: `qms_e2e_${randomUUID().slice(0, 8)}` });
      const register = async (customerId: string, partNo: string, receivedAt: string) => {
        const response = await api.request('POST', '/complaints', {
          key: 'dev-sales',
          body: { customerId, customerContact: 'Li Wei', partNo, lot: 'L-1', defectDescription: '毛刺 burr', quantityAffected: 5, severity: 'normal', channel: 'email', receivedAt, occurredAt: receivedAt, returnNeeded: false, customerProductionAffected: false },
        });
        expect(response.status).toBe(201);
        position = Math.max(position, response.body.position);
      };
      await register(customers[0]!, 'P-1', '2026-10-03T09:00:00+08:00');
      await register(customers[0]!, 'P-1', '2026-11-03T09:00:00+08:00');
      await register(customers[0]!, 'P-2', '2026-11-20T09:00:00+08:00');
      await register(customers[1]!, 'P-1', '2026-11-25T09:00:00+08:00');
    }, 120_000);

    afterAll(async () => {
      await api?.close();
    });

    it('counts what the monthly report counts', async () => {
      const report = (await api.request('GET', `/reports/monthly/2026-11?minPosition=${position}`, { key: 'dev-management' })).body.report;
      const pareto = await api.request('GET', `/reports/monthly/2026-11/pareto?by=part&customerId=${customers[0]}`, { key: 'dev-management' });
      expect(pareto.body.items.map((item: { key: string; complaints: number }) => [item.key, item.complaints])).toEqual([
        ['P-1', 1],
        ['P-2', 1],
      ]);
      const year = await api.request('GET', '/reports/monthly/2026-11/pareto?by=customer&months=2', { key: 'dev-management' });
      expect(year.body.items.map((item: { key: string; complaints: number }) => [item.key, item.complaints])).toEqual([
        [customers[0], 3],
        [customers[1], 1],
      ]);
      const age = await api.request('GET', '/reports/monthly/2026-11/open-age', { key: 'dev-management' });
      expect(age.body.open).toBe(report.total.complaints.openAtEnd);
      // At the end of November (1 December 00:00 in Shanghai): 5, 10, 27 and 58 days open.
      expect(age.body.buckets.map((bucket: { complaints: number }) => bucket.complaints)).toEqual([1, 1, 1, 1]);
    });
  });
});
