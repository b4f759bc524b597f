import { Controller, Get, Query, Res } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import type { Response } from 'express';
import { sendCsvDownload } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { CodesService } from './codes.service';
import { CodeFilter } from './dto/code.dto';

/** The GraphQL CodeFilter, read from a query string, plus the organisation. */
class CodeExportQuery extends CodeFilter {
  @IsUUID('all', { message: 'must be the id of an organisation' })
  organizationId: string;
}

/**
 * GET /exports/codes.csv?organizationId=…&status=AVAILABLE&search=… — the list's filters, as a
 * streamed CSV download (send the bearer token or API key as for GraphQL).
 */
@Controller('exports')
export class CodesExportController {
  constructor(private readonly codes: CodesService) {}

  @Get('codes.csv')
  async codesCsv(@CurrentActor() actor: Actor, @Query() query: CodeExportQuery, @Res() res: Response): Promise<void> {
    const { organizationId, ...filter } = query;
    const writeCsv = await this.codes.export(actor, organizationId, filter);
    await sendCsvDownload(res, `codes-${new Date().toISOString().slice(0, 10)}.csv`, writeCsv);
  }
}
