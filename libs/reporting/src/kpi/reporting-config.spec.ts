import { evaluateKpi, targetsFor } from './kpi-targets';
import { DEFAULT_REPORTING_CONFIG, resolveReportingConfig } from './reporting-config';

describe('ReportingConfig', () => {
  it('has the documented defaults', () => {
    const config = resolveReportingConfig();
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.repeatWindowDays).toBe(90);
    expect(config.onTimeDeliveryWindowDays).toBe(0);
    expect(config.csi.weights).toEqual({
      personnel_service: 1,
      complaint_handling: 1,
      quality: 1,
      delivery: 1,
      price: 1,
    });
    expect(config).toEqual(DEFAULT_REPORTING_CONFIG);
  });

  it('merges partial input over the defaults', () => {
    const config = resolveReportingConfig({
      targets: { ppm: 20 },
      csi: { weights: { quality: 3 }, targetByYear: { '2026': 97 } },
    });
    expect(config.targets.ppm).toBe(20);
    expect(config.targets.onTimeDeliveryPercent).toBe(98);
    expect(config.csi.weights.quality).toBe(3);
    expect(config.csi.weights.price).toBe(1);
    expect(targetsFor(config, null, '2026').csi).toBe(97);
    expect(targetsFor(config, null, '2025').csi).toBe(95);
  });

  it('refuses what the reports could not honour, naming each problem', () => {
    expect(() =>
      resolveReportingConfig({
        timeZone: 'Nowhere/Land',
        repeatWindowDays: -1,
        csi: { weights: { quality: -2 } },
      }),
    ).toThrow(/timeZone.*repeatWindowDays.*csi\.weights\.quality/);
  });

  it('applies per-customer targets', () => {
    const config = resolveReportingConfig({ customerTargets: { ACME: { ppm: 10 } } });
    expect(targetsFor(config, 'ACME', '2025').ppm).toBe(10);
    expect(targetsFor(config, 'OTHER', '2025').ppm).toBe(50);
  });

  it('judges a KPI by its direction', () => {
    expect(evaluateKpi('onTimeDeliveryPercent', 98, 98).met).toBe(true);
    expect(evaluateKpi('onTimeDeliveryPercent', 97.9, 98).met).toBe(false);
    expect(evaluateKpi('ppm', 50, 50).met).toBe(true);
    expect(evaluateKpi('ppm', 50.1, 50).met).toBe(false);
    expect(evaluateKpi('ppm', null, 50).met).toBeNull();
    expect(evaluateKpi('complaintsReceived', 3, null).met).toBeNull();
  });
});
