// The monthly report page: reads the read APIs with the user's API key and draws the KPIs against
// their targets, the twelve-month trends, the age of open 8Ds and the complaint Paretos with
// ECharts (served by this API from the installed package). No inline script: the page's
// Content-Security-Policy allows scripts from this origin only.
// @ts-check

/** @typedef {'zh-CN' | 'en'} Language */
/** @typedef {{ name: string, kind: 'count' | 'percent' | 'days' | 'ppm' | 'quantity' | 'index', decimals: number, label: Record<Language, string>, unit: Record<Language, string> }} KpiDisplay */
/** @typedef {{ value: number | null, target: number | null, direction: 'at_least' | 'at_most', met: boolean | null }} KpiResult */

const KEY_STORAGE = 'qms.dashboard.apiKey';
const LANGUAGE_STORAGE = 'qms.dashboard.language';
const PARETO_DIMENSIONS = /** @type {const} */ (['defect', 'part', 'customer', 'cause']);
const PARETO_ITEMS = 10;
const MONTHS_OFFERED = 36;
/** A screen left on in the meeting room follows new records. */
const REFRESH_MS = 5 * 60_000;
const COLOURS = { met: '#2e7d32', missed: '#c62828', none: '#8a94a3', bar: '#3d5a80', tail: '#a9b8cc', line: '#e07a1f', target: '#5f6b7a', urgent: '#c62828', normal: '#3d5a80' };
const FONT = "'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Droid Sans Fallback', sans-serif";

/** @type {{ languages: Language[], kpis: KpiDisplay[], causes: Record<string, Record<Language, string>>, text: Record<string, Record<Language, string>> }} */
let labels;

const state = {
  /** @type {string | null} */ key: sessionStorage.getItem(KEY_STORAGE),
  /** @type {Language} */ language: 'zh-CN',
  month: '',
  customer: '',
  paretoMonths: 1,
  /** @type {any} */ data: null,
  loading: 0,
};

/** @type {Map<string, any>} */
const charts = new Map();

class KeyRefused extends Error {}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

async function start() {
  labels = await (await fetch('dashboard/labels.json')).json();
  const parameters = new URLSearchParams(location.search);
  const language = parameters.get('lang') ?? localStorage.getItem(LANGUAGE_STORAGE);
  state.language = labels.languages.includes(/** @type {Language} */ (language)) ? /** @type {Language} */ (language) : 'zh-CN';
  state.month = /^\d{4}-(0[1-9]|1[0-2])$/.test(parameters.get('month') ?? '') ? /** @type {string} */ (parameters.get('month')) : previousMonth();
  state.customer = parameters.get('customer') ?? '';
  state.paretoMonths = parameters.get('pareto') === '12' ? 12 : 1;
  wireControls();
  applyLanguage();
  setInterval(() => {
    if (state.key !== null && state.data !== null && document.visibilityState === 'visible') void load(true);
  }, REFRESH_MS);
  if (state.key === null) showKeyPanel(false);
  else await load();
}

/** The monthly meeting reviews the month that has just ended. */
function previousMonth() {
  const now = new Date();
  const previous = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${previous.getFullYear()}-${String(previous.getMonth() + 1).padStart(2, '0')}`;
}

function wireControls() {
  const month = /** @type {HTMLSelectElement} */ (byId('month'));
  month.addEventListener('change', () => {
    state.month = month.value;
    void load();
  });
  const customer = /** @type {HTMLSelectElement} */ (byId('customer'));
  customer.addEventListener('change', () => {
    state.customer = customer.value;
    void load();
  });
  for (const button of document.querySelectorAll('button.lang')) {
    button.addEventListener('click', () => {
      state.language = /** @type {Language} */ (/** @type {HTMLElement} */ (button).dataset['lang']);
      localStorage.setItem(LANGUAGE_STORAGE, state.language);
      applyLanguage();
      if (state.data !== null) render();
    });
  }
  for (const button of document.querySelectorAll('button.scope')) {
    button.addEventListener('click', () => {
      state.paretoMonths = Number(/** @type {HTMLElement} */ (button).dataset['months']);
      void load();
    });
  }
  byId('controls').addEventListener('submit', (event) => event.preventDefault());
  byId('change-key').addEventListener('click', () => showKeyPanel(false));
  byId('download').addEventListener('click', (event) => {
    event.preventDefault();
    void download();
  });
  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId('key'));
    const key = input.value.trim();
    if (key === '') return;
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    input.value = '';
    void load();
  });
  window.addEventListener('resize', () => {
    for (const chart of charts.values()) chart.resize();
  });
}

/** @param {boolean} refused */
function showKeyPanel(refused) {
  byId('key-panel').hidden = false;
  byId('report').hidden = true;
  byId('key-error').hidden = !refused;
  /** @type {HTMLInputElement} */ (byId('key')).focus();
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/** @param {string} path */
async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${state.key}`, Accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) throw new KeyRefused(String(response.status));
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`${response.status} ${body.message ?? response.statusText}`);
  }
  return response.json();
}

/** @param {boolean} [quietly] a refresh keeps the page as it is until the new figures arrive */
async function load(quietly = false) {
  const ticket = ++state.loading;
  byId('key-panel').hidden = true;
  byId('report').hidden = false;
  if (!quietly) setStatus(t('loading'), false);
  updateUrl();
  const month = state.month;
  const customer = state.customer === '' ? '' : `customerId=${encodeURIComponent(state.customer)}`;
  const and = (/** @type {string} */ query) => (query === '' ? '' : `&${query}`);
  const query = (/** @type {string} */ query) => (query === '' ? '' : `?${query}`);
  try {
    const [current, section, trend, age, ...paretos] = await Promise.all([
      api(`reports/monthly/${month}`),
      customer === '' ? null : api(`reports/monthly/${month}?${customer}`),
      api(`reports/monthly?from=${addMonths(month, -11)}&to=${month}${and(customer)}`),
      api(`reports/monthly/${month}/open-age${query(customer)}`),
      ...PARETO_DIMENSIONS.map((by) => api(`reports/monthly/${month}/pareto?by=${by}&limit=${PARETO_ITEMS}&months=${state.paretoMonths}${and(customer)}`)),
    ]);
    if (ticket !== state.loading) return;
    state.data = { current, section, trend, age, pareto: Object.fromEntries(PARETO_DIMENSIONS.map((by, index) => [by, paretos[index]])) };
    setStatus('', false);
    render();
  } catch (error) {
    if (ticket !== state.loading) return;
    if (error instanceof KeyRefused) {
      sessionStorage.removeItem(KEY_STORAGE);
      state.key = null;
      showKeyPanel(true);
      return;
    }
    setStatus(`${t('loadFailed')}: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

async function download() {
  if (state.key === null) return showKeyPanel(false);
  const response = await fetch(`reports/monthly/${state.month}/export?format=xlsx&lang=${state.language}`, { headers: { Authorization: `Bearer ${state.key}` } });
  if (!response.ok) {
    setStatus(`${t('loadFailed')}: ${response.status}`, true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `monthly-report-${state.month}-${state.language}.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function updateUrl() {
  const parameters = new URLSearchParams({ month: state.month, lang: state.language });
  if (state.customer !== '') parameters.set('customer', state.customer);
  if (state.paretoMonths !== 1) parameters.set('pareto', String(state.paretoMonths));
  history.replaceState(null, '', `${location.pathname}?${parameters}`);
}

// ---------------------------------------------------------------------------------------------
// Render
// ---------------------------------------------------------------------------------------------

/** The three years up to this month (or to the chosen month, if later), newest first, named in the page's language. */
function renderMonths() {
  const select = /** @type {HTMLSelectElement} */ (byId('month'));
  const now = new Date();
  const thisMonth = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  const last = state.month > thisMonth ? state.month : thisMonth;
  const months = Array.from({ length: MONTHS_OFFERED }, (_, index) => addMonths(last, -index));
  if (!months.includes(state.month)) months.push(state.month);
  select.replaceChildren(...months.map((month) => option(month, monthName(month))));
  select.value = state.month;
}

function applyLanguage() {
  document.documentElement.lang = state.language;
  renderMonths();
  document.title = `${t('title')} · ${t('pageTitle')}`;
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = t(/** @type {string} */ (/** @type {HTMLElement} */ (element).dataset['text']));
  }
  for (const button of document.querySelectorAll('button.lang')) {
    button.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (button).dataset['lang'] === state.language));
  }
  updateUrl();
}

function render() {
  const { current, section: customerReport, trend, age, pareto } = state.data;
  const report = current.report;
  // The month's customers with a section (the report names them without their sections).
  renderCustomers(report.customerIds ?? report.customers.map((/** @type {any} */ customer) => customer.customerId));
  for (const button of document.querySelectorAll('button.scope')) {
    button.setAttribute('aria-pressed', String(Number(/** @type {HTMLElement} */ (button).dataset['months']) === state.paretoMonths));
  }
  const scope = state.customer === '' ? t('total') : `${t('customer')} ${state.customer}`;
  byId('meta').textContent = [
    `${monthName(report.month)} · ${scope}`,
    `${t('period')} ${localPeriod(report.month)} (${report.timeZone})`,
    `${t('position')} ${current.position}`,
  ].join('   ·   ');
  const section = sectionOf(customerReport?.report ?? report);
  if (section === null) setStatus(t('noActivity'), false);
  renderTiles(section);
  renderTrend('ppm', trend.reports, 'ppm');
  renderTrend('otd', trend.reports, 'onTimeDeliveryPercent');
  renderAge(age);
  const paretos = PARETO_DIMENSIONS.map((by) => ({ by, items: paretoItems(by, pareto[by]) }));
  const layouts = paretos.map(({ by, items }) => categoryLabels(`pareto-${by}`, items.length));
  // One bottom margin for the row, so that the four charts' axes line up.
  const bottom = layouts.some((layout) => layout.rotate !== 0) ? 58 : 28;
  paretos.forEach(({ by, items }, index) => renderPareto(by, items, /** @type {{ rotate: number, width: number }} */ (layouts[index]), bottom));
}

/** The section the tiles show: the company total, or the chosen customer's (null: no activity). */
function sectionOf(/** @type {any} */ report) {
  if (state.customer === '') return report.total;
  return report.customers.find((/** @type {any} */ customer) => customer.customerId === state.customer) ?? null;
}

function renderCustomers(/** @type {string[]} */ customers) {
  const select = /** @type {HTMLSelectElement} */ (byId('customer'));
  const ids = [...new Set([...customers, ...(state.customer === '' ? [] : [state.customer])])].sort();
  select.replaceChildren(option('', t('allCustomers')), ...ids.map((id) => option(id, id)));
  select.value = state.customer;
}

function option(/** @type {string} */ value, /** @type {string} */ label) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = label;
  return element;
}

function renderTiles(/** @type {any} */ section) {
  const tiles = labels.kpis.map((display) => tile(display, section === null ? null : section.kpis[display.name]));
  byId('tiles').replaceChildren(...tiles);
}

/**
 * @param {KpiDisplay} display
 * @param {KpiResult | null} result
 */
function tile(display, result) {
  const element = document.createElement('article');
  element.className = `tile ${result?.met === true ? 'met' : result?.met === false ? 'missed' : 'none'}`;
  element.dataset['kpi'] = display.name;
  const label = element.appendChild(document.createElement('div'));
  label.className = 'label';
  label.textContent = display.label[state.language];
  const figure = element.appendChild(document.createElement('div'));
  figure.className = 'figure';
  const value = figure.appendChild(document.createElement('span'));
  value.className = 'value';
  value.textContent = result === null || result.value === null ? '—' : formatNumber(result.value, display.decimals);
  const unit = figure.appendChild(document.createElement('span'));
  unit.className = 'unit';
  unit.textContent = result === null || result.value === null ? '' : unitOf(display);
  const target = element.appendChild(document.createElement('div'));
  target.className = 'target';
  const goal = target.appendChild(document.createElement('span'));
  goal.className = 'goal';
  goal.textContent =
    result === null || result.target === null
      ? t('noTarget')
      : `${t('target')} ${result.direction === 'at_least' ? '≥' : '≤'} ${formatNumber(result.target, display.decimals, 0)}${display.kind === 'percent' ? '%' : ''}`;
  const flag = target.appendChild(document.createElement('span'));
  flag.className = 'flag';
  flag.textContent = result === null || result.met === null ? '' : t(result.met ? 'met' : 'notMet');
  element.title = `${display.label[state.language]}: ${result?.value ?? '—'}`;
  return element;
}

function unitOf(/** @type {KpiDisplay} */ display) {
  return display.unit[state.language];
}

/**
 * @param {'ppm' | 'otd'} id
 * @param {any[]} reports
 * @param {'ppm' | 'onTimeDeliveryPercent'} kpi
 */
function renderTrend(id, reports, kpi) {
  const display = /** @type {KpiDisplay} */ (labels.kpis.find((entry) => entry.name === kpi));
  const points = reports.map((report) => {
    const section = sectionOf(report);
    return { month: report.month, result: section === null ? null : /** @type {KpiResult} */ (section.kpis[kpi]) };
  });
  const colour = (/** @type {KpiResult | null} */ result) => (result?.met === true ? COLOURS.met : result?.met === false ? COLOURS.missed : COLOURS.none);
  const values = points.map((point) => ({ value: point.result?.value ?? null, itemStyle: { color: colour(point.result) } }));
  const targets = points.map((point) => point.result?.target ?? null);
  const percent = kpi === 'onTimeDeliveryPercent';
  const actual = percent
    ? { type: 'line', name: t('actual'), data: values, symbolSize: 8, lineStyle: { color: COLOURS.bar, width: 2 }, itemStyle: { color: COLOURS.bar }, connectNulls: false }
    : { type: 'bar', name: t('actual'), data: values, barMaxWidth: 22 };
  draw(id, {
    ...baseOption(),
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: [t('actual'), t('target')] },
    grid: { left: 46, right: 12, top: 26, bottom: 34 },
    xAxis: { type: 'category', data: points.map((point, index) => axisMonth(point.month, index)), axisTick: { alignWithLabel: true }, axisLabel: { fontSize: 10, interval: 0 } },
    yAxis: {
      type: 'value',
      ...(percent ? percentBand([...values.map((point) => point.value), ...targets]) : { min: 0 }),
      axisLabel: { fontSize: 10, formatter: (/** @type {number} */ value) => formatNumber(value, 0) },
      splitLine: { lineStyle: { color: '#eceff3' } },
    },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (/** @type {number | null} */ value) => (value === null || value === undefined ? '—' : `${formatNumber(value, display.decimals)}${percent ? '%' : ''}`),
    },
    series: [
      actual,
      { type: 'line', name: t('target'), data: targets, step: 'middle', symbol: 'none', lineStyle: { color: COLOURS.target, type: 'dashed', width: 1.5 }, itemStyle: { color: COLOURS.target } },
    ],
    graphic: values.every((point) => point.value === null) ? noData() : [],
  });
}

function renderAge(/** @type {any} */ age) {
  const buckets = age.buckets;
  const names = buckets.map((/** @type {any} */ bucket) => `${bucket.bucket.replace('-', '–')} ${t('openAgeDays')}`);
  draw('age', {
    ...baseOption(),
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: [t('urgent'), t('normal')] },
    grid: { left: 36, right: 12, top: 40, bottom: 24 },
    xAxis: { type: 'category', data: names, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceff3' } } },
    tooltip: { trigger: 'axis' },
    series: [
      { type: 'bar', stack: 'age', name: t('urgent'), data: buckets.map((/** @type {any} */ bucket) => bucket.urgent), itemStyle: { color: COLOURS.urgent }, barMaxWidth: 46 },
      {
        type: 'bar',
        stack: 'age',
        name: t('normal'),
        data: buckets.map((/** @type {any} */ bucket) => bucket.complaints - bucket.urgent),
        itemStyle: { color: COLOURS.normal },
        barMaxWidth: 46,
        label: { show: true, position: 'top', fontSize: 11, color: '#1f2933', formatter: (/** @type {any} */ point) => String(buckets[point.dataIndex].complaints) },
      },
    ],
    graphic: age.open === 0 ? noData() : [],
  });
}

/** @typedef {{ key: string, label: string, complaints: number, cumulativePercent: number }} ParetoBar */

/**
 * The listed items, named in the page's language, then the rest as one "others" bar.
 * @param {typeof PARETO_DIMENSIONS[number]} by
 * @param {any} pareto
 * @returns {ParetoBar[]}
 */
function paretoItems(by, pareto) {
  /** @type {ParetoBar[]} */
  const items = pareto.items.map((/** @type {any} */ item) => ({ ...item, label: by === 'cause' ? (labels.causes[item.key]?.[state.language] ?? item.key) : item.key }));
  if (pareto.others !== null) items.push({ key: '', label: `${t('others')} (${pareto.others.items})`, complaints: pareto.others.complaints, cumulativePercent: 100 });
  return items;
}

/**
 * Bars of the "vital few" (up to 80 % of the complaints) in full colour, the rest lighter.
 * @param {typeof PARETO_DIMENSIONS[number]} by
 * @param {ParetoBar[]} items
 * @param {{ rotate: number, width: number }} labelLayout
 * @param {number} bottom
 */
function renderPareto(by, items, labelLayout, bottom) {
  draw(`pareto-${by}`, {
    ...baseOption(),
    grid: { left: 30, right: 36, top: 14, bottom },
    xAxis: {
      type: 'category',
      data: items.map((item) => item.label),
      axisLabel: { fontSize: 10, interval: 0, ...labelLayout, overflow: 'truncate' },
      axisTick: { alignWithLabel: true },
    },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#eceff3' } } },
      { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { show: false } },
    ],
    tooltip: {
      trigger: 'axis',
      formatter: (/** @type {any[]} */ points) => {
        const item = items[points[0]?.dataIndex ?? 0];
        if (item === undefined) return '';
        return `${escapeHtml(item.label)}<br/>${escapeHtml(t('complaints'))}: ${item.complaints}<br/>${escapeHtml(t('cumulative'))}: ${formatNumber(item.cumulativePercent, 1)}%`;
      },
    },
    series: [
      {
        type: 'bar',
        name: t('complaints'),
        data: items.map((item, index) => ({ value: item.complaints, itemStyle: { color: index === 0 || (items[index - 1]?.cumulativePercent ?? 0) < 80 ? COLOURS.bar : COLOURS.tail } })),
        barMaxWidth: 28,
      },
      {
        type: 'line',
        name: t('cumulative'),
        yAxisIndex: 1,
        data: items.map((item) => Number(item.cumulativePercent.toFixed(1))),
        symbolSize: 5,
        lineStyle: { color: COLOURS.line, width: 2 },
        itemStyle: { color: COLOURS.line },
      },
    ],
    graphic: items.length === 0 ? noData() : [],
  });
}

/**
 * On-time delivery lives near 100 %: the axis shows the band from a little below the lowest point,
 * in steps of 5 (10 when the band is wide).
 */
function percentBand(/** @type {(number | null)[]} */ numbers) {
  const known = numbers.filter((value) => value !== null);
  const lowest = known.length === 0 ? 90 : Math.min(...known);
  const min = Math.max(0, Math.floor((lowest - 2) / 5) * 5);
  return { min, max: 100, interval: 100 - min > 30 ? 10 : 5 };
}

/** Horizontal labels as wide as a category while they fit, slanted beyond that. */
function categoryLabels(/** @type {string} */ id, /** @type {number} */ count) {
  const plotWidth = byId(`chart-${id}`).clientWidth - 70;
  const perItem = plotWidth / Math.max(count, 1);
  return perItem >= 56 ? { rotate: 0, width: perItem - 6 } : { rotate: 40, width: 76 };
}

function baseOption() {
  return { animation: false, textStyle: { fontFamily: FONT, color: '#1f2933' }, color: [COLOURS.bar, COLOURS.line] };
}

function noData() {
  return [{ type: 'text', left: 'center', top: 'middle', style: { text: t('noData'), fill: COLOURS.none, fontSize: 13, fontFamily: FONT } }];
}

/**
 * @param {string} id
 * @param {object} option
 */
function draw(id, option) {
  let chart = charts.get(id);
  if (chart === undefined) {
    // `echarts` is the global of the package's own UMD build, loaded before this module runs.
    chart = /** @type {any} */ (window).echarts.init(byId(`chart-${id}`), null, { renderer: 'canvas' });
    charts.set(id, chart);
  }
  chart.setOption(option, { notMerge: true });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** @param {string} key */
function t(key) {
  return labels.text[key]?.[state.language] ?? key;
}

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing`);
  return element;
}

function setStatus(/** @type {string} */ message, /** @type {boolean} */ failed) {
  const status = byId('status');
  status.textContent = message;
  status.classList.toggle('failed', failed);
}

/**
 * @param {number} value
 * @param {number} decimals
 * @param {number} [minimumDecimals] fewer when the value needs fewer (targets are round numbers)
 */
function formatNumber(value, decimals, minimumDecimals = decimals) {
  return new Intl.NumberFormat(state.language, { minimumFractionDigits: minimumDecimals, maximumFractionDigits: decimals }).format(value);
}

/**
 * @param {string} month
 * @param {number} count
 */
function addMonths(month, count) {
  const [year, number] = month.split('-').map(Number);
  const index = /** @type {number} */ (year) * 12 + /** @type {number} */ (number) - 1 + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function monthName(/** @type {string} */ month) {
  const [year, number] = month.split('-');
  return state.language === 'zh-CN' ? `${year}年${Number(number)}月` : new Date(Date.UTC(Number(year), Number(number) - 1, 1)).toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** An axis label: the month, and the year under January and under the first month shown. */
function axisMonth(/** @type {string} */ month, /** @type {number} */ index) {
  const [year, number] = month.split('-');
  const name = state.language === 'zh-CN' ? `${Number(number)}月` : new Date(Date.UTC(Number(year), Number(number) - 1, 1)).toLocaleDateString('en', { month: 'short', timeZone: 'UTC' });
  return index === 0 || number === '01' ? `${name}\n${year}` : name;
}

function localPeriod(/** @type {string} */ month) {
  const [year, number] = month.split('-').map(Number);
  const lastDay = new Date(Date.UTC(/** @type {number} */ (year), /** @type {number} */ (number), 0)).getUTCDate();
  return `${month}-01 – ${month}-${String(lastDay).padStart(2, '0')}`;
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

void start();
