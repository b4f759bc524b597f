import { createConnection } from 'node:net';
import { createTransport } from 'nodemailer';
import { SmtpSink } from './smtp-sink';

describe('SmtpSink', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(() => sink.close());

  it('receives mail sent over SMTP and parses it', async () => {
    const transport = createTransport({ url: sink.url } as never);
    await transport.sendMail({
      from: 'tessera@example.test',
      to: 'Pat@Example.test',
      subject: 'Your code: ÄBC-123',
      text: 'Plain body',
      html: '<p>HTML body</p>',
    });
    const [mail] = sink.mailsTo('pat@example.test');
    expect(mail).toMatchObject({ from: 'tessera@example.test', subject: 'Your code: ÄBC-123', text: 'Plain body' });
    expect(mail.html).toContain('<p>HTML body</p>');
  });

  it('answers a rejected recipient with a permanent failure', async () => {
    sink.rejectRecipients.add('gone@example.test');
    const transport = createTransport({ url: sink.url } as never);
    await expect(transport.sendMail({ from: 'tessera@example.test', to: 'gone@example.test', text: 'x' })).rejects.toMatchObject({
      responseCode: 550,
    });
  });

  it('records a sender that resets its connection mid-message instead of crashing the test process', async () => {
    const { port } = new URL(sink.url);
    const socket = createConnection(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    let said = '';
    socket.on('data', (chunk) => {
      said += chunk.toString();
      if (said.includes('220 ') && !said.includes('250')) socket.write('EHLO killed.test\r\nMAIL FROM:<a@example.test>\r\n');
      // Inside a transaction now (MAIL FROM accepted): a killed process's socket is reset (RST).
      else if (/250 .*Accepted/.test(said)) socket.resetAndDestroy();
    });
    const errorsBefore = sink.connectionErrors.length;
    for (let waited = 0; sink.connectionErrors.length === errorsBefore && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sink.connectionErrors.at(-1)).toMatchObject({ code: 'ECONNRESET' });
  });
});
