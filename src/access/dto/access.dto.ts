import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@tessera/common';
import { IsString, Length } from 'class-validator';
import { AccessGrant } from '../entities/access-grant.entity';

@ObjectType({ description: 'A page of access grants.' })
export class AccessGrantConnection extends Connection(AccessGrant) {}

@InputType({ description: 'A code to redeem, as the person typed it.' })
export class RedeemCodeInput {
  @Field({ description: 'The code; case, spaces and hyphens do not matter.' })
  @IsString()
  @Length(1, 100)
  code: string;
}

@ObjectType({ description: 'The access the code gave.' })
export class RedeemCodePayload {
  @Field(() => AccessGrant, { description: 'The new access grant.' })
  grant: AccessGrant;
}
