import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { BadUserInputError, ConflictError, HTTP_STATUS, clientAddress } from '@tessera/common';
import type { Request, Response } from 'express';
import { Public } from '../identity/auth/auth.decorators';
import { AuthService } from '../identity/auth.service';
import { LoginInput, RequestPasswordResetInput, SetPasswordInput } from '../identity/dto/auth.dto';
import { PasswordTokensService } from '../identity/password-tokens.service';
import { AccessLines } from './access-lines';
import {
  formFields,
  PageErrorFilter,
  passwordMismatch,
  queryParameter,
  sendIncompleteLink,
  sendPage,
  showFormProblem,
  validatedForm,
} from './page-response';
import { pages } from './page-templates';

const SET_PASSWORD_FIELDS = ['token', 'password', 'confirmPassword'] as const;
const SIGN_IN_FIELDS = ['email', 'password'] as const;
const FORGOT_PASSWORD_FIELDS = ['email'] as const;
const SET_PASSWORD = 'Set your password';
const SIGN_IN = 'Sign in';
const FORGOT_PASSWORD = 'Set a new password';

/**
 * GET/POST /set-password and /sign-in — the pages behind the set-password link of an account mail
 * and the sign-in link of a registration mail — and /forgot-password, for a link that expired or
 * a forgotten password. They call the services the `setPassword`, `login` and
 * `requestPasswordReset` mutations call, with the same validation and rate limits. Signing in here only shows
 * the person's access: no session is kept, so there is no cookie for another site to ride on.
 */
@Public()
@UseFilters(PageErrorFilter)
@Controller()
export class AccountPagesController {
  constructor(
    private readonly passwordTokens: PasswordTokensService,
    private readonly auth: AuthService,
    private readonly access: AccessLines,
  ) {}

  @Get('set-password')
  async showSetPassword(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = queryParameter(req, 'token');
    if (!token) return sendIncompleteLink(res);
    try {
      // A dead link says so at once, before anyone types a password for nothing.
      await this.passwordTokens.checkLink(token, clientAddress(req));
    } catch (error) {
      if (error instanceof ConflictError) return sendDeadLink(res, error);
      throw error;
    }
    sendPage(res, 200, pages.setPasswordForm(SET_PASSWORD, { token, errors: {} }));
  }

  @Post('set-password')
  async setPassword(@Req() req: Request, @Res() res: Response): Promise<void> {
    const fields = formFields(req, SET_PASSWORD_FIELDS);
    if (!fields.token) return sendIncompleteLink(res);
    const token = fields.token;
    const mismatch = passwordMismatch(req);
    try {
      const input = await validatedForm(SetPasswordInput, { token, password: fields.password });
      if (mismatch.length) throw new BadUserInputError(mismatch);
      const { user } = await this.passwordTokens.setPassword(input.token, input.password, clientAddress(req));
      sendPage(res, 200, pages.passwordSet('Password set', { email: user.email }));
    } catch (error) {
      if (error instanceof ConflictError) return sendDeadLink(res, error);
      await showFormProblem(res, error, { shown: SET_PASSWORD_FIELDS, extra: mismatch }, (state) =>
        pages.setPasswordForm(SET_PASSWORD, { ...state, token }),
      );
    }
  }

  @Get('sign-in')
  showSignIn(@Res() res: Response): void {
    sendPage(res, 200, pages.signInForm(SIGN_IN, { errors: {}, values: {} }));
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const fields = formFields(req, SIGN_IN_FIELDS);
    try {
      const input = await validatedForm(LoginInput, fields);
      const { user } = await this.auth.login(input.email, input.password, clientAddress(req));
      const access = await this.access.ofPerson(user.id);
      sendPage(
        res,
        200,
        pages.signedIn('Your access', { ...access, name: `${user.firstName} ${user.lastName}`.trim(), email: user.email }),
      );
    } catch (error) {
      await showFormProblem(res, error, { shown: SIGN_IN_FIELDS }, (state) =>
        pages.signInForm(SIGN_IN, { ...state, values: { email: fields.email } }),
      );
    }
  }

  @Get('forgot-password')
  showForgotPassword(@Res() res: Response): void {
    sendPage(res, 200, pages.forgotPasswordForm(FORGOT_PASSWORD, { errors: {}, values: {} }));
  }

  @Post('forgot-password')
  async requestReset(@Req() req: Request, @Res() res: Response): Promise<void> {
    const fields = formFields(req, FORGOT_PASSWORD_FIELDS);
    try {
      const input = await validatedForm(RequestPasswordResetInput, fields);
      // The same answer whether or not the address has an account, as the API gives.
      await this.passwordTokens.requestReset(input.email, clientAddress(req));
      sendPage(res, 200, pages.resetRequested(FORGOT_PASSWORD, { email: input.email }));
    } catch (error) {
      await showFormProblem(res, error, { shown: FORGOT_PASSWORD_FIELDS }, (state) =>
        pages.forgotPasswordForm(FORGOT_PASSWORD, { ...state, values: { email: fields.email } }),
      );
    }
  }
}

/** A used, replaced or expired set-password link: what to do instead. */
function sendDeadLink(res: Response, error: ConflictError): void {
  const notice = {
    problem: error.message,
    advice: 'Set the password with it already? Sign in. Otherwise ask for a new link.',
    link: { href: '/forgot-password', text: 'Ask for a new link' },
  };
  sendPage(res, HTTP_STATUS[error.code], pages.notice('Link no longer valid', notice));
}
