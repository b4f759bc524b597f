import type { Participant } from '../contracts/entities/participant.entity';
import { maskedEmail, maskedPhone, prefill } from './registration-lookup.service';

describe('what the anonymous look-up shows of a participant', () => {
  it.each([
    ['ada.okafor@example.test', 'a•••@example.test'],
    ['A@x.test', 'A•••@x.test'],
    ['ñandú@example.test', 'ñ•••@example.test'],
    ['not-an-address', '•••'],
  ])('masks %s as %s', (email, masked) => expect(maskedEmail(email)).toBe(masked));

  it.each([
    ['+44 20 7946 0042', '•••42'],
    ['(555) 010-9', '•••09'],
    ['7', null],
  ])('masks the phone %s as %s', (phone, masked) => expect(maskedPhone(phone)).toBe(masked));

  it('gives the first name and hints, never the last name, address, phone or date of birth', () => {
    const participant = {
      firstName: 'Ada',
      lastName: 'Okafor',
      email: 'ada.okafor@example.test',
      phone: '+44 20 7946 0042',
      dateOfBirth: '1990-04-23',
    } as Participant;
    const shown = prefill(participant);
    expect(shown).toEqual({ firstName: 'Ada', emailHint: 'a•••@example.test', phoneHint: '•••42' });
    for (const secret of ['Okafor', 'ada.okafor', '7946', '1990']) expect(JSON.stringify(shown)).not.toContain(secret);
  });
});
