import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

/**
 * A client address an account has signed in from with its password, and when last: the
 * per-account sign-in limit spares these, so a stranger's failures cannot lock the owner out of
 * where they sign in from. The address is kept only as a hash.
 */
@Entity('sign_in_client')
@Index('sign_in_client_last_signed_in_at_idx', ['lastSignedInAt'])
export class SignInClient {
  @PrimaryColumn('uuid')
  userId: string;

  /** SHA-256 of the client address. */
  @PrimaryColumn({ type: 'text' })
  clientHash: string;

  @Column({ type: 'timestamptz' })
  lastSignedInAt: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}
