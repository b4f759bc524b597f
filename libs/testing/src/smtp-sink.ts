import { simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  headers: Map<string, unknown>;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

/**
 * A real SMTP server in the test process (the `smtp-server` package): the app sends over the
 * wire, the test reads what arrived. `rejectRecipients` answers those addresses with a 550.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  readonly rejectRecipients = new Set<string>();
  /** Recipients answered with a temporary 451 this many more times, then accepted. */
  readonly deferRecipients = new Map<string, number>();
  /** How long the server takes to accept each message (a slow server keeps sends in flight). */
  acceptDelayMs = 0;
  /**
   * Connection errors the server saw, e.g. ECONNRESET from a sender killed mid-message. A real
   * server logs and carries on; unheard, smtp-server's 'error' event would crash the test process.
   */
  readonly connectionErrors: Error[] = [];
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const deferrals = this.deferRecipients.get(address.address.toLowerCase()) ?? 0;
        if (deferrals > 0) {
          this.deferRecipients.set(address.address.toLowerCase(), deferrals - 1);
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        if (this.rejectRecipients.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const accepted = new Promise((resolve) => setTimeout(resolve, this.acceptDelayMs));
          Promise.all([simpleParser(raw), accepted]).then(
            ([parsed]) => {
              this.mails.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                headers: parsed.headers as Map<string, unknown>,
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                raw,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    this.server.on('error', (error: Error) => this.connectionErrors.push(error));
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  get url(): string {
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
