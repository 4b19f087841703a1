import { deepFreeze, toJsonDocument } from './documents';
import { valueAt, compareValues, typeRank, accessorOf } from './values';
it('bench', () => {
  const docs = new Map<string, any>();
  for (let i = 0; i < 100000; i++) { const d = { _id: `CC-${i}`, severity: ['minor','major','critical'][i%3], quantity: (i*13)%1000, receivedAt: new Date(Date.UTC(2020,0,1) + i * 1800000).toISOString() }; docs.set(d._id, deepFreeze(toJsonDocument(d))); }
  const f = 'severity', g = 'quantity', p = ['severity'], q = ['quantity'];
  const cases: Record<string, (d: any) => boolean> = {
    keyed: (d) => d[f] === 'critical' && d[g] >= 300,
    valueAt: (d) => valueAt(d, p) === 'critical' && (valueAt(d, q) as number) >= 300, acc: ((a, b) => (d: any) => a(d) === 'critical' && (b(d) as number) >= 300)(accessorOf(p), accessorOf(q)),
    rank: (d) => d[f] === 'critical' && typeRank(d[g]) === 1 && compareValues(d[g], 300) >= 0,
    generated: new Function('d', 'return d.severity === "critical" && typeof d.quantity === "number" && d.quantity >= 300;') as any,
  };
  for (let r = 0; r < 3; r++) for (const [name, fn] of Object.entries(cases)) {
    const t = performance.now(); let n = 0;
    for (const d of docs.values()) if (fn(d)) n++;
    console.log(name, (performance.now() - t).toFixed(2), n);
  }
});
