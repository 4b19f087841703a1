import { computeCsi } from './csi';

const r1 = { scores: { personnel_service: 5, complaint_handling: 4, quality: 3, delivery: 4, price: 2 } };
const r2 = { scores: { quality: 5, delivery: 5 } };

describe('computeCsi (Σ wᵢ·scoreᵢ ÷ Σ wᵢ ÷ top × 100)', () => {
  it('averages every answered score with equal weights: (18 + 10) ÷ 7 ÷ 5 × 100 = 80', () => {
    expect(computeCsi([r1, r2], undefined, 5)).toBeCloseTo(80, 12);
  });

  it('weighs dimensions: (28 + 25) ÷ (8 + 5) ÷ 5 × 100 = 81.538461…', () => {
    // r1: 1·5 + 1·4 + 3·3 + 2·4 + 1·2 = 28 over weight 8; r2: 3·5 + 2·5 = 25 over weight 5.
    const weights = { personnel_service: 1, complaint_handling: 1, quality: 3, delivery: 2, price: 1 };
    expect(computeCsi([r1, r2], weights, 5)).toBeCloseTo(81.538461538, 8);
  });

  it('divides by the top of the scale given', () => {
    expect(computeCsi([{ scores: { quality: 7 } }], undefined, 10)).toBeCloseTo(70, 12);
  });

  it('has no value without scores or with zero weights', () => {
    expect(computeCsi([], undefined, 5)).toBeNull();
    const zero = { personnel_service: 0, complaint_handling: 0, quality: 0, delivery: 0, price: 0 };
    expect(computeCsi([r1], zero, 5)).toBeNull();
  });

  it('refuses negative weights and a non-positive top of scale', () => {
    const negative = { personnel_service: 1, complaint_handling: 1, quality: -1, delivery: 1, price: 1 };
    expect(() => computeCsi([r1], negative, 5)).toThrow(/weight of quality/);
    expect(() => computeCsi([r1], undefined, 0)).toThrow(/topOfScale/);
  });
});
