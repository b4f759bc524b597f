import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@ObjectType({ description: 'A customer organisation: it owns codes, contracts and members.' })
@Entity('organization')
export class Organization {
  @Field(() => UUIDScalar, { description: 'Id of the organisation.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'Short unique name for URLs and integrations (lower case, digits, hyphens).' })
  @Column({ type: 'text', unique: true })
  slug: string;

  @Field({ description: 'When the organisation was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
