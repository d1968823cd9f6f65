import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, type AuthActor } from '../common/actor';
import { SESSION_COOKIE } from '../docs/openapi';
import { Access } from './access.decorator';
import { TooManyLoginFailures } from './auth-errors';
import { bearerToken } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginDto, LogoutDto, RefreshDto, TokenResponse } from './dto/login.dto';
import { MeResponse } from './dto/me-response.dto';
import { sessionCookieOptions } from './session-cookie';
import { TOKEN_TTL, type TokenType } from './tokens';
import { BadInput } from '../common/domain-errors';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Access('public')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in: tokens for scripts, and the session cookie for browsers' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this username from this address; see Retry-After' })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    try {
      const { tokens, sessionToken } = await this.auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
      res.cookie(SESSION_COOKIE, sessionToken, { ...sessionCookieOptions(req), maxAge: TOKEN_TTL.session * 1000 });
      return tokens;
    } catch (err) {
      if (err instanceof TooManyLoginFailures) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Post('refresh')
  @Access('public')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Trade a refresh token for a new access token and refresh token' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ description: 'The refresh token is invalid, expired, or its user disabled' })
  refresh(@Body() body: RefreshDto): Promise<TokenResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @Access('viewer')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Sign out: revokes the access token or session cookie used, and the refresh token sent (or, with everywhere, all of the user\'s)',
  })
  @ApiNoContentResponse()
  async logout(@Body() body: LogoutDto, @Req() req: Request, @CurrentActor() actor: AuthActor, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (actor.kind !== 'user') throw BadInput.field('Authorization', 'API keys do not sign in or out; revoke a key with DELETE /api/api-keys/:id');
    const tokens: { token: string; typ: TokenType }[] = [];
    const bearer = bearerToken(req.headers.authorization);
    if (bearer) tokens.push({ token: bearer, typ: 'access' });
    const session = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    if (typeof session === 'string' && session) tokens.push({ token: session, typ: 'session' });
    if (body.refreshToken) tokens.push({ token: body.refreshToken, typ: 'refresh' });
    await this.auth.logout(actor.id, tokens, body.everywhere ?? false);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
  }

}

@ApiTags('auth')
@Controller('me')
export class MeController {
  @Get()
  @Access('viewer')
  @ApiOperation({ summary: 'Who the credentials belong to: user or API key, role and deck' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentActor() actor: AuthActor): MeResponse {
    return { kind: actor.kind, id: actor.id, name: actor.name, role: actor.role, deck: actor.deck ?? null };
  }
}
