import type { Organization } from '../../../src/identity/entities/organization.entity';
import { Fixtures, type Person } from './fixtures';
import { SmtpSink } from './smtp-sink';
import { TestApp } from './test-app';

export interface OrganizationApp {
  t: TestApp;
  smtp: SmtpSink;
  fixtures: Fixtures;
  organization: Organization;
  admin: Person;
  /** The one price of the organisation's product. */
  priceId: string;
}

/**
 * What a workflow spec starts from: an app that mails to its own SMTP sink (answering 550 to
 * `rejectRecipients`), an organisation with its admin, and a product with one price. The caller
 * closes `t`, then `smtp`.
 */
export async function startOrganizationApp(options: {
  organizationName: string;
  productName: string;
  env?: Record<string, string>;
  rejectRecipients?: string[];
}): Promise<OrganizationApp> {
  const smtp = await SmtpSink.start();
  for (const address of options.rejectRecipients ?? []) smtp.rejectRecipients.add(address);
  const t = await TestApp.create({ env: { SMTP_URL: smtp.url, ...options.env } });
  const fixtures = new Fixtures(t);
  const { organization, admin } = await fixtures.organization(options.organizationName);
  const { price } = await fixtures.catalogue(organization, { productName: options.productName });
  return { t, smtp, fixtures, organization, admin, priceId: price.id };
}
