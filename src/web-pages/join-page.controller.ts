import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ConflictError, ForbiddenError, HTTP_STATUS, clientAddress } from '@tessera/common';
import type { Request, Response } from 'express';
import { Public } from '../identity/auth/auth.decorators';
import { AuthService } from '../identity/auth.service';
import { LoginInput } from '../identity/dto/auth.dto';
import { MembershipOffersService } from '../identity/membership-offers.service';
import { MembershipsService } from '../identity/memberships.service';
import { AccessLines } from './access-lines';
import {
  formFields,
  type FormState,
  PageErrorFilter,
  pageDate,
  queryParameter,
  sendIncompleteLink,
  sendPage,
  showFormProblem,
  validatedForm,
} from './page-response';
import { pages } from './page-templates';

const FORM_FIELDS = ['token', 'email', 'password'] as const;
const JOIN = 'Join an organisation';
const CANNOT_JOIN = 'This invitation cannot be accepted';

/**
 * GET/POST /join — the page behind the link of the platform's invitation to join an organisation.
 * The invited person signs in here (the `login` service, its limits) and accepts as that account:
 * what `acceptMembershipInvitation` does for a signed-in caller. No session is kept.
 */
@Public()
@UseFilters(PageErrorFilter)
@Controller('join')
export class JoinPageController {
  constructor(
    private readonly offers: MembershipOffersService,
    private readonly memberships: MembershipsService,
    private readonly auth: AuthService,
    private readonly access: AccessLines,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = queryParameter(req, 'token');
    if (!token) return sendIncompleteLink(res);
    await this.sendForm(req, res, token, 200, { errors: {} });
  }

  @Post()
  async join(@Req() req: Request, @Res() res: Response): Promise<void> {
    const fields = formFields(req, FORM_FIELDS);
    if (!fields.token) return sendIncompleteLink(res);
    const token = fields.token;
    try {
      const input = await validatedForm(LoginInput, { email: fields.email, password: fields.password });
      const { user } = await this.auth.login(input.email, input.password, clientAddress(req));
      const membership = await this.memberships.acceptOffer(
        { kind: 'user', userId: user.id, isPlatformAdmin: user.isPlatformAdmin },
        token,
      );
      const info = await this.offers.lookUp(token, clientAddress(req));
      sendPage(
        res,
        200,
        pages.joined(JOIN, {
          ...(await this.access.ofPerson(membership.userId)),
          email: user.email,
          organizationName: info.organizationName,
        }),
      );
    } catch (error) {
      if (error instanceof ConflictError) {
        return sendPage(res, HTTP_STATUS[error.code], pages.notice(CANNOT_JOIN, { problem: error.message }));
      }
      if (error instanceof ForbiddenError) {
        return this.sendForm(req, res, token, HTTP_STATUS[error.code], { errors: {}, problem: error.message });
      }
      await showFormProblem(
        res,
        error,
        { shown: FORM_FIELDS, wrongPasswordField: 'password' },
        async (state) => (await this.form(req, token, state)).html,
      );
    }
  }

  private async sendForm(req: Request, res: Response, token: string, status: number, state: FormState): Promise<void> {
    const page = await this.form(req, token, state);
    sendPage(res, page.status === 200 ? status : page.status, page.html);
  }

  /** The invitation and its form, or why it cannot be accepted. An unknown token is the filter's NOT_FOUND page. */
  private async form(req: Request, token: string, state: FormState): Promise<{ status: number; html: string }> {
    const info = await this.offers.lookUp(token, clientAddress(req));
    if (info.closed) return { status: HTTP_STATUS.CONFLICT, html: pages.notice(CANNOT_JOIN, { problem: info.closed }) };
    const html = pages.joinForm(JOIN, {
      ...state,
      token,
      email: info.email,
      organizationName: info.organizationName,
      expiresAt: pageDate(info.expiresAt),
    });
    return { status: 200, html };
  }
}
