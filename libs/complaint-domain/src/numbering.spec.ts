import { ValidationError } from '@qms/domain-kernel';
import {
  complaintStreamId,
  complaintYear,
  formatComplaintNumber,
  isComplaintNumber,
  parseComplaintNumber,
  reopenNumber,
} from './numbering';

describe('complaint numbers', () => {
  it('formats CC-<year>-<4-digit sequence>', () => {
    expect(formatComplaintNumber(2025, 7)).toBe('CC-2025-0007');
    expect(formatComplaintNumber(2025, 12345)).toBe('CC-2025-12345');
    expect(() => formatComplaintNumber(2025, 0)).toThrow(ValidationError);
    expect(() => formatComplaintNumber(25, 1)).toThrow(ValidationError);
  });

  it('parses originals and reopenings, round-tripping the format', () => {
    expect(parseComplaintNumber(formatComplaintNumber(2025, 42))).toEqual({
      year: 2025,
      sequence: 42,
      reopenPath: [],
      original: 'CC-2025-0042',
    });
    expect(parseComplaintNumber(reopenNumber(reopenNumber('CC-2025-0042', 2), 1))).toEqual({
      year: 2025,
      sequence: 42,
      reopenPath: [2, 1],
      original: 'CC-2025-0042',
    });
  });

  it('rejects what is not a complaint number', () => {
    for (const text of ['CC-2025-42', 'CC-2025-0000', 'CC-2025-0042-0', 'CC-2025-00042', 'cc-2025-0042', 'CC-2025-0042-']) {
      expect(isComplaintNumber(text)).toBe(false);
    }
  });

  it('numbers reopenings -1, -2, … after the reopened number', () => {
    expect(reopenNumber('CC-2025-0042', 1)).toBe('CC-2025-0042-1');
    expect(reopenNumber('CC-2025-0042', 2)).toBe('CC-2025-0042-2');
    expect(() => reopenNumber('CC-2025-0042', 0)).toThrow(ValidationError);
  });

  it('names the stream', () => {
    expect(complaintStreamId('CC-2025-0042-1')).toBe('complaint-CC-2025-0042-1');
  });

  it('takes the year of the local received date', () => {
    // 31 Dec 2024 17:00Z is already 1 Jan 2025 in Shanghai, still 2024 in Berlin.
    expect(complaintYear('2024-12-31T17:00:00.000Z', 'Asia/Shanghai')).toBe(2025);
    expect(complaintYear(new Date('2024-12-31T17:00:00.000Z'), 'Europe/Berlin')).toBe(2024);
  });
});
