import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { STREAM_FIELD, streamKeys, type RunCommand } from '@ivoryos/contracts';
import { REDIS } from '../redis/redis.module';
import { COMMAND_STREAM_MAXLEN } from './deck-command.sender';

/** Puts an operator's control on the deck's command stream; the agent answers with a `command` run event. */
@Injectable()
export class RunCommandSender {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async send(deck: string, command: RunCommand): Promise<void> {
    await this.redis.xadd(streamKeys.commands(deck), 'MAXLEN', '~', COMMAND_STREAM_MAXLEN, '*', STREAM_FIELD, JSON.stringify(command));
  }
}
