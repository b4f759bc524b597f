import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tessera/common';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';

/**
 * Secrets an event must carry to a subscriber (the link of an invitation mail): sealed in the
 * payload, so the outbox — which is also the audit log — never holds a live link in clear.
 */
@Injectable()
export class EventSecrets {
  private readonly box: SecretBox;

  constructor(@Inject(EVENTS_OPTIONS) options: EventsModuleOptions) {
    this.box = new SecretBox(options.secretKey, 'event-secrets');
  }

  seal(secrets: Record<string, string>): string {
    return this.box.seal(JSON.stringify(secrets));
  }

  /** Throws when the value was sealed under another key (the app's secret changed) or was altered. */
  open(sealed: string): Record<string, string> {
    return JSON.parse(this.box.open(sealed)) as Record<string, string>;
  }
}
