import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { BadUserInputError } from '@tessera/common';
import type { Response } from 'express';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { ParticipantCodesService } from './participant-codes.service';

/** GET /exports/contracts/:contractId/participants.csv — the spreadsheet of the round trip. */
@Controller('exports/contracts')
export class ParticipantsExportController {
  constructor(private readonly service: ParticipantCodesService) {}

  @Get(':contractId/participants.csv')
  async participantsCsv(
    @CurrentActor() actor: Actor,
    @Param('contractId', new ParseUUIDPipe({ exceptionFactory: () => new BadContractId() })) contractId: string,
    @Res() res: Response,
  ): Promise<void> {
    const writeCsv = await this.service.writeCsv(actor, contractId);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="participants-${contractId}.csv"`);
    await writeCsv(res);
  }
}

class BadContractId extends BadUserInputError {
  constructor() {
    super([{ field: 'contractId', message: 'must be a contract id (UUID)' }]);
  }
}
