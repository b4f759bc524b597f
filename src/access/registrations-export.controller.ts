import { Controller, Get, Query, Res } from '@nestjs/common';
import { sendCsvDownload } from '@tessera/common';
import { IsUUID } from 'class-validator';
import type { Response } from 'express';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { AccessGrantsService } from './access-grants.service';
import { AccessGrantFilter } from './dto/access.dto';

/** The GraphQL filter of `accessGrants`, read from a query string, plus the organisation. */
class RegistrationsExportQuery extends AccessGrantFilter {
  @IsUUID('all', { message: 'must be the id of an organisation' })
  organizationId: string;
}

/**
 * GET /exports/registrations.csv?organizationId=…&search=…&status=ACTIVE — the registrations view
 * as a streamed CSV download (send the bearer token or API key as for GraphQL).
 */
@Controller('exports')
export class RegistrationsExportController {
  constructor(private readonly grants: AccessGrantsService) {}

  @Get('registrations.csv')
  async registrationsCsv(@CurrentActor() actor: Actor, @Query() query: RegistrationsExportQuery, @Res() res: Response): Promise<void> {
    const { organizationId, ...filter } = query;
    if (typeof filter.status === 'string') filter.status = [filter.status];
    const writeCsv = await this.grants.export(actor, organizationId, filter);
    await sendCsvDownload(res, `registrations-${new Date().toISOString().slice(0, 10)}.csv`, writeCsv);
  }
}
