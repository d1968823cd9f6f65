import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { STREAM_FIELD, streamKeys, type DeckCommand, type RegistrationRefused } from '@ivoryos/contracts';
import { REDIS } from '../redis/redis.module';

/** Approximate cap on a deck's command stream (`XADD MAXLEN ~`). */
export const COMMAND_STREAM_MAXLEN = '10000';

/**
 * Puts a deck-level message on the deck's command stream: a command for the agent itself (restart its
 * Python bridge), or the refusal of its registration.
 */
@Injectable()
export class DeckCommandSender {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async send(deck: string, command: DeckCommand | RegistrationRefused): Promise<void> {
    await this.redis.xadd(streamKeys.commands(deck), 'MAXLEN', '~', COMMAND_STREAM_MAXLEN, '*', STREAM_FIELD, JSON.stringify(command));
  }
}
