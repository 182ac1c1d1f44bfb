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

  it('finds ids and hashes kept as bytes as it finds any other, by their exact spelling', () => {
    const recent = new RecentPredictions(8);
    const id = (n: number) => `c0ffee00-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const hash = (n: number) => n.toString(16).padStart(64, 'a');
    for (let n = 0; n < 12; n++)
      recent.remember(id(n), hash(n), [{ label: `l${n % 3}`, confidence: n / 100 }]);
    expect(recent.byId(id(11))).toEqual({ label: 'l2', confidence: 0.11 });
    expect(recent.byInputHash(hash(4))).toEqual({ label: 'l1', confidence: 0.04 });
    expect(recent.byId(id(3))).toBeUndefined();
    expect(recent.byInputHash(hash(3))).toBeUndefined();
    // Kept as bytes, compared as strings: another spelling is another key.
    expect(recent.byId(id(11).toUpperCase())).toBeUndefined();
    expect(recent.byInputHash(hash(4).toUpperCase())).toBeUndefined();
    recent.remember(id(11).toUpperCase(), hash(4).toUpperCase(), [{ label: 'upper' }]);
    expect(recent.byId(id(11).toUpperCase())).toEqual({ label: 'upper', confidence: undefined });
    expect(recent.byInputHash(hash(4).toUpperCase())?.label).toBe('upper');
    expect(recent.byId(id(11))?.label).toBe('l2');
    recent.remember(id(20), undefined, [{ label: 'a' }, { label: 'b', confidence: 0 }]);
    expect(recent.byId(`${id(20)}#1`)).toEqual({ label: 'b', confidence: 0 });
    expect(recent.byId(id(20))).toBeUndefined();
  });

  it('keeps keys that are not ASCII, or too long for their bytes, as they are', () => {
    const recent = new RecentPredictions(4);
    const long = 'x'.repeat(200);
    recent.remember('réq-1', long, [{ label: 'a' }]);
    recent.remember('req-\u0101', `${long}y`, [{ label: 'b' }]);
    expect(recent.byId('réq-1')?.label).toBe('a');
    expect(recent.byInputHash(long)?.label).toBe('a');
    expect(recent.byId('req-\u0101')?.label).toBe('b');
    // 'ā' (U+0101) would be byte 0x01 if written as Latin-1: it must not match.
    expect(recent.byId('req-\u0001')).toBeUndefined();
    for (let i = 0; i < 4; i++) recent.remember(`r${i}`, undefined, [{ label: i }]);
    expect(recent.byId('réq-1')).toBeUndefined();
    expect(recent.byInputHash(long)).toBeUndefined();
  });

  it('answers nothing before its first prediction', () => {
    const recent = new RecentPredictions(4);
    expect(recent.byId('x')).toBeUndefined();
    expect(recent.byInputHash('x')).toBeUndefined();
  });
});
