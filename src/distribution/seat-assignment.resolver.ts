import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { AssignSeatsInput, AssignSeatsPayload } from './dto/seat-assignment.dto';
import { SeatAssignmentService } from './seat-assignment.service';

@Resolver()
export class SeatAssignmentResolver {
  constructor(private readonly seats: SeatAssignmentService) {}

  @Mutation(() => AssignSeatsPayload, {
    description:
      'Gives seats to people at once (organisation admins): one free code each, accounts made where needed (a set-password link, never a ' +
      'password, by mail), access starts now and a login mail goes out. Too few free seats: nothing is assigned (CONFLICT with the count).',
  })
  assignSeats(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'Whose seats, which, and to whom.' }) input: AssignSeatsInput,
  ): Promise<AssignSeatsPayload> {
    return this.seats.assign(actor, input);
  }
}
