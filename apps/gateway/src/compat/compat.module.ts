import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ControlModule } from '../control/control.module';
import { IvoryosCompatController } from './ivoryos-compat.controller';

@Module({ imports: [AuthModule, ControlModule], controllers: [IvoryosCompatController] })
export class CompatModule {}
