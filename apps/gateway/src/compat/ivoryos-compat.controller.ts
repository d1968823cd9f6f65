import { Body, Controller, Get, Header, HttpException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DECK_NAME_PATTERN, type JsonObject } from '@ivoryos/contracts';
import { Access } from '../auth/access.decorator';
import { TooManyLoginFailures } from '../auth/auth-errors';
import { AuthService } from '../auth/auth.service';
import { CurrentActor, type AuthActor } from '../common/actor';
import { BadInput, DomainError } from '../common/domain-errors';
import { InstrumentNameParam } from '../common/param-pipes';
import { DirectCallsService } from '../direct-calls/direct-calls.service';
import { SESSION_COOKIE } from '../docs/openapi';
import { sessionCookieOptions } from '../auth/session-cookie';
import { TOKEN_TTL } from '../auth/tokens';
import { CompatAuthFilter } from './compat-auth.filter';
import { IvoryosDecks } from './ivoryos-decks';
import { IvoryosTasksService } from './ivoryos-tasks.service';
import { toSnapshot } from './ivoryos-format';

/** Keys IvoryOS's control form sends that are not arguments of the method. */
const CONTROL_KEYS = new Set(['hidden_name', 'hidden_wait', 'override_busy', 'csrf_token']);

/** `/ivoryos/...` serves the default deck, `/decks/<deck>/ivoryos/...` any deck (see IvoryosDecks). */
export const IVORYOS_PREFIXES = ['ivoryos', 'decks/:deck/ivoryos'];

/**
 * The routes IvoryOS's generated Python proxy files and its Python client use for sign-in and
 * instruments: form login with a session cookie, `GET /ivoryos/` as the session probe, the deck
 * snapshot, and `POST /ivoryos/instruments/deck.<name>` with `{ hidden_name, ...kwargs }` →
 * `{ success, output }`. Without a deck in the path, a call goes to the default deck when it has
 * the instrument, else to the one deck that has it (`?deck=` when several do).
 */
@ApiExcludeController()
@Controller(IVORYOS_PREFIXES)
@UseFilters(CompatAuthFilter)
export class IvoryosCompatController {
  constructor(
    private readonly auth: AuthService,
    private readonly control: DirectCallsService,
    private readonly decks: IvoryosDecks,
    private readonly tasks: IvoryosTasksService,
  ) {}

  @Get()
  @Access('viewer')
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(@CurrentActor() actor: AuthActor): string {
    return page('IvoryOS-TS', `<p>Signed in as ${escape(actor.name)} (${actor.role}). The API is at <a href="/api/docs">/api/docs</a>.</p>`);
  }

  @Get('auth/login')
  @Access('public')
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginPage(@Req() req: Request): string {
    return page(
      'Sign in',
      `<form method="post" action="${escape(prefixOf(req))}/ivoryos/auth/login"><label>Username <input name="username" autocomplete="username"></label> ` +
        '<label>Password <input name="password" type="password" autocomplete="current-password"></label> <button>Sign in</button></form>',
    );
  }

  @Post('auth/login')
  @Access('public')
  async login(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const prefix = prefixOf(req);
    try {
      const { sessionToken } = await this.auth.login(username, password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
      res.cookie(SESSION_COOKIE, sessionToken, { ...sessionCookieOptions(req), maxAge: TOKEN_TTL.session * 1000 });
      res.redirect(302, `${prefix}/ivoryos/`);
    } catch (err) {
      if (err instanceof TooManyLoginFailures) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        res.status(429).type('text/plain').send(err.message);
        return;
      }
      res.redirect(302, `${prefix}/ivoryos/auth/login`);
    }
  }

  /** The deck snapshot; IvoryOS answers the whole deck for `/instruments/<any>` too. */
  @Get(['instruments', 'instruments/:instrument'])
  @Access('viewer')
  async snapshot(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    const deck = await this.decks.resolve(deckPath, actor);
    return toSnapshot(await this.decks.schema(deck)) as unknown as JsonObject;
  }

  @Post('instruments/:instrument')
  @Access('operator')
  async call(
    @Param('deck') deckPath: string | undefined,
    @Param('instrument', InstrumentNameParam) instrument: string,
    @Query('deck') deckParam: unknown,
    @Body() body: unknown,
    @CurrentActor() actor: AuthActor,
    @Res() res: Response,
  ): Promise<void> {
    const payload = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as JsonObject;
    const method = typeof payload.hidden_name === 'string' ? payload.hidden_name : undefined;
    const kwargs = Object.fromEntries(Object.entries(payload).filter(([k]) => !CONTROL_KEYS.has(k)));
    try {
      if (!method) {
        res.status(404).json({ success: false, error: 'Method None not found' });
        return;
      }
      const deck = await this.deckFor(instrument, deckPath, deckParam, actor);
      const wait = !(payload.hidden_wait === false || payload.hidden_wait === 'false');
      const result = await this.control.call({
        deck, instrument, method, body: kwargs, calledBy: actor.name, calledByKind: actor.kind, wait,
        override: payload.override_busy === true || payload.override_busy === 'true',
      });
      if (!wait) res.status(200).json({ status: 'task started', task_id: await this.tasks.numberOf(result.id) });
      else res.status(200).json(result.success ? { success: true, output: result.output } : { success: false, output: result.error });
    } catch (err) {
      if (!(err instanceof DomainError) && !(err instanceof HttpException)) throw err;
      const status = err instanceof DomainError ? err.status : err.getStatus();
      const message = err.message;
      const error = status === 404 ? (/instrument/.test(message) ? 'Instrument not found' : `Method ${method} not found`) : message;
      res.status(status).json({ success: false, error, output: status === 409 ? 'busy' : message, ...(err instanceof DomainError && err.errors ? { errors: err.errors } : {}) });
    }
  }

  @Get('instruments/task/:id')
  @Access('viewer')
  task(@Param('deck') deckPath: string | undefined, @Param('id') id: string, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.tasks.get(id, deckPath, actor);
  }

  private async deckFor(instrument: string, deckPath: string | undefined, deckParam: unknown, actor: AuthActor): Promise<string> {
    if (deckPath !== undefined) return this.decks.resolve(deckPath, actor);
    const named = deckParam === undefined || deckParam === '' ? undefined : deckParam;
    if (named !== undefined && (typeof named !== 'string' || !DECK_NAME_PATTERN.test(named))) throw BadInput.field('deck', 'must be 1 to 64 letters, digits, _ or -');
    if (typeof named === 'string') return named;
    // The default deck when it has the instrument; proxies of other decks' instruments keep working.
    const fallback = await this.decks.resolve(undefined, actor).catch(() => undefined);
    if (fallback) {
      const schema = await this.decks.schema(fallback).catch(() => undefined);
      if (schema && Object.hasOwn(schema.instruments, instrument)) return fallback;
    }
    // A deck-scoped key looks only on its own deck (the guard refused a ?deck= naming another).
    return this.control.deckWithInstrument(instrument, actor.deck);
  }
}

/** `/decks/<deck>` for the per-deck routes, '' for /ivoryos. */
function prefixOf(req: Request): string {
  const m = /^\/decks\/([A-Za-z0-9_-]{1,64})\/ivoryos(\/|$|\?)/.exec(req.originalUrl);
  return m ? `/decks/${m[1]}` : '';
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}
