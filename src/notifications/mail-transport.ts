import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Our message id, as a header: lets a provider's logs be matched with the delivery log. */
  messageId: string;
}

/** A failure the next attempt may not have (4xx, network): the queue retries it. */
export class TemporaryMailError extends Error {}
/** A failure no retry will fix (5xx: invalid address, refused): recorded, not retried. */
export class PermanentMailError extends Error {}

/**
 * Sends mail: through SMTP_URL with a connection pool, or in zero-setup mode as .eml files under
 * DATA_DIR/mail with a log line, so nothing needs a mail server to try Tessera.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;
  private readonly directory: string | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { smtpUrl } = config.mail;
    this.directory = smtpUrl ? null : join(resolve(config.dataDir), 'mail');
    this.transporter = smtpUrl
      ? // Bounded waits keep one send well inside MAIL_CLAIM_MS (nodemailer's socket default is 10 minutes).
        createTransport({
          url: smtpUrl,
          pool: true,
          maxConnections: 5,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as never)
      : createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    try {
      const info = await this.transporter.sendMail({
        from: this.config.mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: { 'X-Tessera-Message-Id': mail.messageId },
      });
      if (this.directory) {
        await mkdir(this.directory, { recursive: true });
        const file = join(this.directory, `${mail.messageId}.eml`);
        await writeFile(file, info.message as Buffer);
        this.logger.log(`Mail to ${mail.to} ("${mail.subject}") written to ${file}`);
      }
      return { providerMessageId: String(info.messageId ?? mail.messageId) };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const message = error instanceof Error ? error.message : String(error);
      throw code !== undefined && code >= 500 ? new PermanentMailError(message) : new TemporaryMailError(message);
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
