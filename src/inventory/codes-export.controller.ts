import { Controller, Get, Query, Res } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import type { Response } from 'express';
import { Transform, Writable } from 'node:stream';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { CodesService } from './codes.service';
import { CodeFilter } from './dto/code.dto';

/** Writes a UTF-8 byte-order mark (for spreadsheet programs) before the first chunk, not before. */
function withByteOrderMark(res: Response): Writable {
  let started = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, started ? chunk : ((started = true), Buffer.concat([Buffer.from('\ufeff'), chunk])));
    },
  });
  stream.pipe(res);
  // A client that goes away stops the COPY at once instead of leaving it stalled.
  res.on('close', () => {
    if (!res.writableFinished) stream.destroy(new Error('The client closed the download.'));
  });
  return stream;
}

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
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="codes-${new Date().toISOString().slice(0, 10)}.csv"`);
    try {
      await writeCsv(withByteOrderMark(res));
    } catch (error) {
      // Before the first byte the error is answered normally; after it, the download must not look complete.
      if (!res.headersSent) throw error;
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
