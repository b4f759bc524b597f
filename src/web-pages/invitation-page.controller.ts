import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { BadUserInputError, ConflictError, ErrorCode, ErrorReason, HTTP_STATUS, clientAddress } from '@tessera/common';
import type { Request, Response } from 'express';
import { Public } from '../identity/auth/auth.decorators';
import { AcceptInvitationInput } from '../invitations/dto/invitation.dto';
import { InvitationStatus } from '../invitations/entities/invitation.entity';
import { InvitationAcceptance } from '../invitations/invitation-acceptance.service';
import { CLOSED_ERROR_REASON, CLOSED_MESSAGE } from '../invitations/invitation-status';
import { AccessLines } from './access-lines';
import {
  formFields,
  type FormState,
  PageErrorFilter,
  pageDate,
  passwordMismatch,
  queryParameter,
  sendIncompleteLink,
  sendPage,
  showFormProblem,
  validatedForm,
} from './page-response';
import { type NoticeView, pages } from './page-templates';

const FORM_FIELDS = ['token', 'firstName', 'lastName', 'password', 'confirmPassword'] as const;
const CANNOT_ACCEPT = 'This invitation cannot be accepted';
const SIGN_IN = { href: '/sign-in', text: 'Sign in to see your access' };

/** Why an invitation cannot be accepted, and what the person can do about it. */
function closedNotice(reason: ErrorReason | undefined, message: string): NoticeView {
  // Accepted already, or the person has the product by another way: their access is there to see.
  if (reason === ErrorReason.ACCEPTED || reason === ErrorReason.ALREADY_HAS_ACCESS) return { problem: message, link: SIGN_IN };
  if (reason === ErrorReason.EXPIRED) return { problem: message };
  return { problem: message, advice: 'Ask the organisation for a new invitation if you still need access.' };
}

/**
 * GET/POST /invitations/accept — the page behind the link in an invitation mail. It asks the
 * invitations service exactly what the public `invitation` query and the `acceptInvitation`
 * mutation ask (same rate limits per client, same validation, first acceptance wins).
 */
@Public()
@UseFilters(PageErrorFilter)
@Controller('invitations')
export class InvitationPageController {
  constructor(
    private readonly invitations: InvitationAcceptance,
    private readonly access: AccessLines,
  ) {}

  @Get('accept')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = queryParameter(req, 'token');
    if (!token) return sendIncompleteLink(res);
    const page = await this.form(req, token, { errors: {} }, {});
    sendPage(res, page.status, page.html);
  }

  @Post('accept')
  async accept(@Req() req: Request, @Res() res: Response): Promise<void> {
    const fields = formFields(req, FORM_FIELDS);
    if (!fields.token) return sendIncompleteLink(res);
    const token = fields.token;
    const mismatch = passwordMismatch(req);
    try {
      const input = await validatedForm(AcceptInvitationInput, {
        token,
        firstName: fields.firstName,
        lastName: fields.lastName,
        password: fields.password,
      });
      if (mismatch.length) throw new BadUserInputError(mismatch);
      const { user, grant } = await this.invitations.accept(input, clientAddress(req));
      sendPage(
        res,
        200,
        pages.accepted('Invitation accepted', { ...(await this.access.of([grant])), firstName: user.firstName, email: user.email }),
      );
    } catch (error) {
      if (error instanceof ConflictError) {
        return sendPage(
          res,
          HTTP_STATUS[ErrorCode.CONFLICT],
          pages.notice(CANNOT_ACCEPT, closedNotice(error.details.reason, error.message)),
        );
      }
      const values = { firstName: fields.firstName, lastName: fields.lastName };
      await showFormProblem(res, error, { shown: FORM_FIELDS, extra: mismatch, wrongPasswordField: 'password' }, async (state) => {
        const page = await this.form(req, token, state, values);
        return page.html;
      });
    }
  }

  /** The invitation and its form, or why it cannot be accepted. An unknown token is the filter's NOT_FOUND page. */
  private async form(
    req: Request,
    token: string,
    state: FormState,
    values: { firstName?: string; lastName?: string },
  ): Promise<{ status: number; html: string }> {
    const info = await this.invitations.lookUp(token, clientAddress(req));
    if (!info.canAccept) {
      const notice =
        info.status === InvitationStatus.PENDING
          ? closedNotice(undefined, 'The seat this invitation was for is no longer available.')
          : closedNotice(CLOSED_ERROR_REASON[info.status], CLOSED_MESSAGE[info.status]);
      return { status: HTTP_STATUS[ErrorCode.CONFLICT], html: pages.notice(CANNOT_ACCEPT, notice) };
    }
    const html = pages.acceptForm('Accept your invitation', {
      ...state,
      token,
      email: info.email,
      accountExists: info.accountExists,
      organizationName: info.organizationName,
      productName: info.productName,
      message: info.message,
      expiresAt: pageDate(info.expiresAt),
      values,
    });
    return { status: 200, html };
  }
}
