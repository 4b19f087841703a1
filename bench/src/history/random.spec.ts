import { Random, WeightedChoice } from './random';

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: string) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.uint32());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('makes version-4 UUIDs the event store accepts', () => {
    const random = new Random('uuid');
    for (let i = 0; i < 1000; i++)
      expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('picks by weight', () => {
    const random = new Random('weights');
    const choice = new WeightedChoice([
      ['rare', 1],
      ['common', 9],
    ] as const);
    let common = 0;
    for (let i = 0; i < 10_000; i++) if (choice.pick(random) === 'common') common++;
    expect(common / 10_000).toBeGreaterThan(0.87);
    expect(common / 10_000).toBeLessThan(0.93);
  });
});
