import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DirectCallsModule } from '../direct-calls/direct-calls.module';
import { IvoryosCompatController } from './ivoryos-compat.controller';

@Module({ imports: [AuthModule, DirectCallsModule], controllers: [IvoryosCompatController] })
export class CompatModule {}
