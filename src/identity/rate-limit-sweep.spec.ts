import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { RateLimitSweep } from './rate-limit-sweep';
import type { SignInClients } from './sign-in-clients';

function sweepWith(workers: boolean, deletedBuckets: number[], forgotten: number[] = [0]) {
  const query = jest.fn();
  for (const deleted of deletedBuckets) query.mockResolvedValueOnce([{ deleted }]);
  const forgetStale = jest.fn();
  for (const deleted of forgotten) forgetStale.mockResolvedValueOnce(deleted);
  const config = { queue: { workers } } as AppConfig;
  const sweep = new RateLimitSweep({ query } as unknown as DataSource, { forgetStale } as unknown as SignInClients, config);
  return { sweep, query, forgetStale };
}

describe('RateLimitSweep', () => {
  afterEach(() => jest.useRealTimers());

  it('deletes a backlog in batches until one comes back short', async () => {
    const { sweep, query, forgetStale } = sweepWith(true, [5000, 5000, 12], [5000, 3]);
    expect(await sweep.sweep()).toEqual({ buckets: 10_012, signInClients: 5003 });
    expect(query).toHaveBeenCalledTimes(3);
    expect(forgetStale).toHaveBeenCalledTimes(2);
  });

  it.each([
    [true, 1],
    [false, 0],
  ])('runs every minute only where jobs run (WORKERS=%s), as the other periodic tasks do', async (workers, rounds) => {
    jest.useFakeTimers();
    const { sweep, query } = sweepWith(workers, [0]);
    sweep.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(query).toHaveBeenCalledTimes(rounds);
    await sweep.onApplicationShutdown();
  });
});
