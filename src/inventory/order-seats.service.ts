import { Injectable } from '@nestjs/common';
import { BadUserInputError, ConflictError, ErrorReason } from '@tessera/common';
import { OnEventInTransaction } from '@tessera/events';
import { OrderRecorded } from '../contracts/events/order.events';
import { OPERATOR } from '../identity/auth/actor';
import { CodeGenerationService } from './code-generation.service';
import { CodeStore } from './code-store';
import type { OrderSeats } from './dto/order-seats.dto';
import { BatchSource } from './entities/code-batch.entity';
import { CodeStatus } from './entities/code.entity';

/**
 * Characters of an order's codes (no prefix): 29^12 ≈ 3.5·10^17 codes, so the guessing-risk check
 * would refuse only past some 350 billion live codes of that shape.
 */
export const ORDER_CODE_WIDTH = 12;

export interface SeatsOfOrder {
  /** The batch holding the order's codes; null when the order made none. */
  batchId: string | null;
  seats: OrderSeats;
}

/** The codes of an order's seats: made with the order, counted for the seat dashboard. */
@Injectable()
export class OrderSeatsService {
  constructor(
    private readonly generation: CodeGenerationService,
    private readonly store: CodeStore,
  ) {}

  /**
   * One code per seat, inside the order's own transaction: when generation fails the order is not
   * recorded either, so an order never exists without its codes.
   */
  @OnEventInTransaction(OrderRecorded)
  async onOrderRecorded(event: OrderRecorded): Promise<void> {
    const { orderId, priceId, quantity, generatesCodes } = event.payload;
    if (!generatesCodes) return;
    if (!event.organizationId) throw new Error(`OrderRecorded ${event.id} names no organisation.`);
    // As the operator: OrdersService.record has checked the caller against the organisation, and
    // that caller is usually the storefront's API key, which generation's admin check refuses. The
    // generation still checks the price against the organisation, and the guessing risk.
    try {
      await this.generation.generateNow(
        OPERATOR,
        { organizationId: event.organizationId, priceId, quantity, width: ORDER_CODE_WIDTH, checkCharacter: false },
        BatchSource.ORDER,
        { orderId },
      );
    } catch (error) {
      // The storefront chose no width: name what it did choose, and say the order was not taken.
      if (!(error instanceof BadUserInputError)) throw error;
      const reasons = error.fields.map((field) => field.message).join(' ');
      throw new ConflictError(`Codes for ${quantity} seats cannot be made: ${reasons} The order was not recorded.`, {
        reason: ErrorReason.ORDER_TOO_LARGE,
        field: 'quantity',
      });
    }
  }

  /** Each order's batch and seat counts, in the order of `orderIds` (a DataLoader batch). */
  async seatsOfOrders(orderIds: readonly string[]): Promise<SeatsOfOrder[]> {
    const rows = await this.store.seatCountsOfOrders(orderIds);
    return orderIds.map((orderId) => {
      const ofOrder = rows.filter((row) => row.orderId === orderId);
      const count = (status: CodeStatus) => ofOrder.find((row) => row.status === status)?.count ?? 0;
      return {
        batchId: ofOrder[0]?.batchId ?? null,
        seats: {
          total: ofOrder.reduce((sum, row) => sum + row.count, 0),
          remaining: count(CodeStatus.AVAILABLE),
          pending: count(CodeStatus.PENDING),
          used: count(CodeStatus.REDEEMED),
          void: count(CodeStatus.VOID),
        },
      };
    });
  }
}
