import { describe, expect, it } from 'vitest';
import { nearestCategoryPreset, zimbraTagColorToCategoryColor } from './tag-colors.ts';

describe('zimbraTagColorToCategoryColor', () => {
  it('maps the colour indexes by the documented table', () => {
    const presets = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((color) => zimbraTagColorToCategoryColor({ color }));
    expect(presets).toEqual([
      'none',
      'preset7',
      'preset5',
      'preset4',
      'preset8',
      'preset0',
      'preset3',
      'preset9',
      'preset12',
      'preset1',
    ]);
  });

  it('maps Zimbra’s own index RGB like the index, and other RGB to the nearest swatch', () => {
    expect(zimbraTagColorToCategoryColor({ rgb: '#6ACB9E' })).toBe('preset4');
    expect(zimbraTagColorToCategoryColor({ rgb: '#ff0000' })).toBe('preset0');
    expect(zimbraTagColorToCategoryColor({ rgb: '#000080' })).toBe('preset22');
    expect(zimbraTagColorToCategoryColor({ rgb: '#111111' })).toBe('preset14');
    expect(zimbraTagColorToCategoryColor({ rgb: '#ffff00', color: 1 })).toBe('preset3');
  });

  it('falls back to none for unknown or malformed colours', () => {
    expect(zimbraTagColorToCategoryColor({})).toBe('none');
    expect(zimbraTagColorToCategoryColor({ color: 42 })).toBe('none');
    expect(zimbraTagColorToCategoryColor({ rgb: 'blue' })).toBe('none');
    expect(nearestCategoryPreset('#12345')).toBe('none');
  });

  it('is deterministic', () => {
    expect(nearestCategoryPreset('#808080')).toBe(nearestCategoryPreset('#808080'));
  });
});
