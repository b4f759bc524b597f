import { Slots, WriteCoalescer } from './send-batching';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('lets takers through while slots are free, then in order as they are given back', async () => {
    const slots = new Slots(3);
    const order: string[] = [];
    await slots.take(2);
    const big = slots.take(2).then(() => order.push('big'));
    const small = slots.take(1).then(() => order.push('small')); // behind the big one, though one slot is free
    await tick();
    expect(order).toEqual([]);
    slots.give(1);
    await tick();
    expect(order).toEqual(['big']);
    slots.give(1);
    await tick();
    expect(order).toEqual(['big', 'small']);
    await Promise.all([big, small]);
  });

  it('refuses more than it has', () => {
    expect(() => new Slots(2).take(3)).toThrow('Cannot take 3 of 2 slots.');
  });
});

describe('WriteCoalescer', () => {
  it('writes the first item at once and what arrives meanwhile in the next round', async () => {
    const rounds: number[][] = [];
    let finish: () => void = () => undefined;
    const coalescer = new WriteCoalescer<number>(async (items) => {
      rounds.push(items);
      if (rounds.length === 1) await new Promise<void>((resolve) => (finish = resolve));
    });
    const first = coalescer.record(1);
    await tick();
    const later = [coalescer.record(2), coalescer.record(3)];
    finish();
    await Promise.all([first, ...later]);
    expect(rounds).toEqual([[1], [2, 3]]);
  });

  it('rejects the items of a failed write, and writes later ones', async () => {
    let fail = true;
    const coalescer = new WriteCoalescer<number>(async () => {
      if (fail) throw new Error('database gone');
    });
    await expect(coalescer.record(1)).rejects.toThrow('database gone');
    fail = false;
    await expect(coalescer.record(2)).resolves.toBeUndefined();
  });
});
