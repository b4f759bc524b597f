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
});
