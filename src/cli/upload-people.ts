import { ContractsService } from '../contracts/contracts.service';
import { PeopleImportPurpose, PeopleImportStatus } from '../distribution/entities/people-import.entity';
import { PeopleImportService } from '../distribution/people-import.service';
import { OPERATOR } from '../identity/auth/actor';
import { withApp } from './app-context';
import { idOption, organizationOf, parseOptions, required } from './cli-input';
import { elapsed, problemReport, summary } from './cli-output';
import { localUpload } from './local-file';
import { ProgressBar } from './progress-bar';

/**
 * `upload-people --organization … --file people.csv --price …` (workflow B, option 3): the file is
 * checked as uploadSeatAssignments checks it, and every problem printed by row and column (exit
 * code 1, nothing written); a clean file is then carried out as completePeopleImport does, here,
 * with a progress bar. `--dry-run` stops after the check.
 */
export async function uploadPeopleCommand(args: string[]): Promise<number> {
  const values = parseOptions('upload-people', args, {
    organization: { type: 'string' },
    file: { type: 'string' },
    price: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  });
  const organizationRef = required('upload-people', 'organization', values.organization);
  const path = required('upload-people', 'file', values.file);
  const priceId = idOption('price', required('upload-people', 'price', values.price))!;
  return withApp(async (app) => {
    const organization = await organizationOf(app, organizationRef);
    const imports = app.get(PeopleImportService);
    const started = Date.now();
    const checked = await imports.upload(OPERATOR, PeopleImportPurpose.ASSIGN_SEATS, {
      organizationId: organization.id,
      priceId,
      file: localUpload(path),
    });
    if (checked.status === PeopleImportStatus.INVALID) {
      const count = checked.problems.length;
      console.log(`${path}: ${count.toLocaleString('en')} problem${count === 1 ? '' : 's'}; nothing was written.`);
      console.log(problemReport(checked.problems));
      console.log('Fix the file and run the command again.');
      return 1;
    }
    const [price] = await app.get(ContractsService).findPricesByIds([priceId]);
    const seats = `seats of ${price.name} (${price.priceCode})`;
    if (values['dry-run']) {
      process.stdout.write(
        summary(`${path} has no problems; nothing was written (--dry-run).`, [
          ['people', checked.rowCount],
          ['accounts to create', checked.newAccountCount],
          ['existing accounts', checked.rowCount - checked.newAccountCount],
          [`free ${seats}`, checked.seatsFree],
        ]),
      );
      return 0;
    }
    const bar = new ProgressBar('Giving seats', checked.rowCount);
    const result = (await imports.completeHere(OPERATOR, checked.id, (done) => bar.update(done)))!;
    bar.finish(`${result.assignments.length.toLocaleString('en')} seats given`);
    // The operator is told who is who: existing accounts of non-members are invited to join, their seats held.
    const given = result.assignments.filter((assignment) => assignment.grant);
    process.stdout.write(
      summary(`Gave ${result.assignments.length.toLocaleString('en')} ${seats} in ${organization.name}`, [
        ['accounts created', checked.newAccountCount],
        ['existing members given seats', given.length - checked.newAccountCount],
        ['existing accounts invited to join', result.assignments.length - given.length],
        // Whoever has no password yet is mailed a link to set one (the others, a confirmation).
        ['set-password links mailed', given.filter((assignment) => !assignment.user?.passwordHash).length],
        ['seats left', result.seatsRemaining ?? 0],
        ['time', elapsed(started)],
      ]),
    );
    return 0;
  });
}
