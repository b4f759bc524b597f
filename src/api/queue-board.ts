import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppError, RateLimitedError, clientAddress } from '@tessera/common';
import type { Queue } from 'bull';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AuthService } from '../identity/auth.service';
import { TokenService } from '../identity/auth/token.service';
import { QUEUES } from '../queues';

/** Where the board lives; the session cookie is scoped to it. */
export const ADMIN_PATH = '/admin';
const BOARD_PATH = `${ADMIN_PATH}/queues`;
const SESSION_COOKIE = 'tessera_admin';

/**
 * Bull Board at /admin/queues, for platform admins. A browser cannot send a bearer header on a
 * plain page load, so the board has its own sign-in form that puts the same short-lived token in
 * an HttpOnly, SameSite=Strict cookie scoped to /admin (so no other site can drive the board's
 * retry and clean buttons with it). Scripts may send `Authorization: Bearer` instead.
 */
@Injectable()
export class QueueBoard {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The express router to mount at ADMIN_PATH. */
  router(): Router {
    const router = express.Router();
    if (!this.config.queue.redisUrl) {
      router.use('/queues', (_req, res) => {
        res
          .status(404)
          .type('text/plain')
          .send('The queue board needs Redis (REDIS_URL). Without it jobs run inside the API process; the queueStats query shows them.');
      });
      return router;
    }
    router.get('/login', (req, res) => this.sendLoginPage(res, 200, nextPath(req.query.next)));
    router.post('/login', express.urlencoded({ extended: false, limit: '10kb' }), (req, res, next) => {
      this.signIn(req, res).catch(next);
    });
    router.post('/logout', (req, res) => {
      res.clearCookie(SESSION_COOKIE, { path: ADMIN_PATH }).redirect(303, `${ADMIN_PATH}/login`);
    });
    router.use(
      '/queues',
      (req, res, next) => {
        this.requirePlatformAdmin(req, res, next).catch(next);
      },
      this.board(),
    );
    return router;
  }

  private board(): Router {
    const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
    const queues = QUEUES.map((name) => new BullAdapter(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })));
    createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'Tessera queues' } } });
    return serverAdapter.getRouter() as Router;
  }

  private async requirePlatformAdmin(req: Request, res: Response, next: NextFunction): Promise<void> {
    const token = bearerToken(req) ?? sessionToken(req);
    const actor = token ? await this.tokens.authenticate(token).catch(() => undefined) : undefined;
    if (actor?.isPlatformAdmin) return next();
    if (actor) {
      res.status(403).type('text/plain').send('The queue board is for platform admins only.');
    } else if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
      res.redirect(303, `${ADMIN_PATH}/login?next=${encodeURIComponent(req.originalUrl)}`);
    } else {
      res.status(401).json({ error: 'Sign in as a platform admin (Authorization: Bearer <token>).' });
    }
  }

  private async signIn(req: Request, res: Response): Promise<void> {
    const { email, password, next } = (req.body ?? {}) as Record<string, unknown>;
    const target = nextPath(next);
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
      return this.sendLoginPage(res, 400, target, 'Enter your e-mail and password.');
    }
    try {
      const { accessToken, user } = await this.auth.login(email, password, clientAddress(req));
      if (!user.isPlatformAdmin) return this.sendLoginPage(res, 403, target, 'The queue board is for platform admins only.');
      res
        .cookie(SESSION_COOKIE, accessToken, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.secure,
          path: ADMIN_PATH,
          maxAge: this.config.auth.tokenTtlSeconds * 1000,
        })
        .redirect(303, target);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.sendLoginPage(res, error instanceof RateLimitedError ? 429 : 401, target, error.message);
    }
  }

  private sendLoginPage(res: Response, status: number, next: string, problem?: string): void {
    res.status(status).type('html').set('Cache-Control', 'no-store').send(loginPage(next, problem));
  }
}

function bearerToken(req: Request): string | undefined {
  const [scheme, value] = (req.headers.authorization ?? '').trim().split(/\s+/, 2);
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}

function sessionToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Only a path on the board: a sign-in link must not send anyone elsewhere. */
function nextPath(value: unknown): string {
  return typeof value === 'string' && value.startsWith(`${BOARD_PATH}`) && !value.startsWith('//') ? value : BOARD_PATH;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(next: string, problem?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Tessera queues: sign in</title>
  <style>
    body { font-family: system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: #f4f5f7; }
    form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; display: grid; gap: .75rem; width: 20rem; }
    input, button { font: inherit; padding: .5rem; }
    .problem { color: #b00020; }
  </style>
</head>
<body>
  <form method="post" action="${ADMIN_PATH}/login">
    <h1>Tessera queues</h1>
    <p>Sign in as a platform admin.</p>
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <label>E-mail <input name="email" type="email" autocomplete="username" required /></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
    <input type="hidden" name="next" value="${escapeHtml(next)}" />
    <button type="submit">Sign in</button>
  </form>
</body>
</html>`;
}
