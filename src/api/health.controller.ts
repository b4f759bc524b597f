import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { withTimeout } from '@tessera/common';
import { JobQueue } from '@tessera/queue';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../identity/auth/auth.decorators';

type Check = 'up' | 'down' | 'not configured';

/** Liveness (the process answers) and readiness (its database and Redis answer) for load balancers. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'unavailable'; checks: Record<string, Check> }> {
    const [database, redis] = await Promise.all([
      upWithin(
        this.dataSource.query('SELECT 1').then(() => true),
        2000,
      ),
      this.queue.mode === 'bull' ? upWithin(this.queue.ping(), 2000) : Promise.resolve(null),
    ]);
    const checks: Record<string, Check> = {
      database: database ? 'up' : 'down',
      redis: redis === null ? 'not configured' : redis ? 'up' : 'down',
    };
    const ok = database && redis !== false;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}

/** A check that errs or answers too late counts as down. */
function upWithin(check: Promise<boolean>, ms: number): Promise<boolean> {
  return withTimeout(check, ms).catch(() => false);
}
