import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../../src/webhooks/delivery/standard-webhooks';

/** A request as the receiver read it. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Its webhook-id, where the receiver checks signatures (then it verified). */
  webhookId?: string;
}

export interface WebhookReceiverOptions {
  /**
   * Checks every request's Standard Webhooks signature with this secret (a function where the
   * secret is known only later, e.g. from the endpoint made with the receiver's URL). A request that
   * does not verify is answered 400 and kept in `badSignatures`, not in `requests`.
   */
  secret?: string | (() => string);
  /** How to answer a request (kept in `requests` first); by default 200 "ok". */
  answer?: (request: ReceivedRequest, res: ServerResponse) => void;
}

/** A real HTTP receiver for webhook deliveries on 127.0.0.1 (a free port), in the test process. */
export class WebhookReceiver {
  /** Every request taken, in order of arrival. */
  readonly requests: ReceivedRequest[] = [];
  /** Why each refused request did not verify; a test expects none. */
  readonly badSignatures: string[] = [];
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly options: WebhookReceiverOptions) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.take({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
  }

  static async start(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options);
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Ends every connection (a held-open request too) and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private take(request: ReceivedRequest, res: ServerResponse): void {
    const { secret, answer = (_request, response) => response.end('ok') } = this.options;
    if (secret !== undefined) {
      try {
        request.webhookId = verifyWebhook(typeof secret === 'function' ? secret() : secret, request.headers, request.body);
      } catch (error) {
        this.badSignatures.push(String(error));
        res.writeHead(400).end('bad signature');
        return;
      }
    }
    this.requests.push(request);
    answer(request, res);
  }
}
