import { describe, expect, it } from 'vitest';
import { RecentPredictions } from '../../lib/recentPredictions.js';

describe('RecentPredictions', () => {
  it('finds a single prediction by id and by input hash', () => {
    const recent = new RecentPredictions(4);
    recent.remember('req-1', 'hash-1', [{ label: 'fraud', confidence: 0.9 }]);
    expect(recent.byId('req-1')).toEqual({ label: 'fraud', confidence: 0.9 });
    expect(recent.byInputHash('hash-1')).toEqual({ label: 'fraud', confidence: 0.9 });
    expect(recent.byId('hash-1')).toBeUndefined();
    expect(recent.byInputHash('req-1')).toBeUndefined();
  });

  it('finds batch predictions by <id>#<index> only, never by input hash', () => {
    const recent = new RecentPredictions(4);
    recent.remember('req-2', 'hash-2', [{ label: 'a' }, { label: 'b', confidence: 0.5 }]);
    expect(recent.byId('req-2#1')).toEqual({ label: 'b', confidence: 0.5 });
    expect(recent.byId('req-2#0')).toEqual({ label: 'a', confidence: undefined });
    expect(recent.byId('req-2')).toBeUndefined();
    expect(recent.byId('req-2#01')).toBeUndefined();
    expect(recent.byId('req-2#2')).toBeUndefined();
    expect(recent.byInputHash('hash-2')).toBeUndefined();
  });

  it('matches ids that contain # themselves', () => {
    const recent = new RecentPredictions(4);
    recent.remember('a#7', undefined, [{ label: 'x' }]);
    recent.remember('a', undefined, [{ label: 'y' }, { label: 'z' }]);
    expect(recent.byId('a#7')).toEqual({ label: 'x', confidence: undefined });
    expect(recent.byId('a#1')).toEqual({ label: 'z', confidence: undefined });
  });

  it('answers with the newest of equal keys', () => {
    const recent = new RecentPredictions(4);
    recent.remember('r1', 'same', [{ label: 'old' }]);
    recent.remember('r2', 'same', [{ label: 'new' }]);
    expect(recent.byInputHash('same')?.label).toBe('new');
  });

  it('forgets the oldest predictions past its capacity', () => {
    const recent = new RecentPredictions(3);
    for (let i = 0; i < 5; i++) recent.remember(`r${i}`, `h${i}`, [{ label: i }]);
    expect(recent.byId('r0')).toBeUndefined();
    expect(recent.byId('r1')).toBeUndefined();
    expect(recent.byInputHash('h1')).toBeUndefined();
    expect([2, 3, 4].map((i) => recent.byId(`r${i}`)?.label)).toEqual([2, 3, 4]);
    recent.remember('batch', undefined, [{ label: 'p' }, { label: 'q' }]);
    expect(recent.byId('r2')).toBeUndefined();
    expect(recent.byId('r3')).toBeUndefined();
    expect(recent.byId('r4')?.label).toBe(4);
    expect(recent.byId('batch#1')?.label).toBe('q');
  });
});
