import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';
import { AuditService } from './audit.service';

/** The audit trail: recording admin changes, and one listing of every attributable action. */
@Module({ controllers: [AuditController], providers: [AuditLog, AuditService], exports: [AuditLog] })
export class AuditModule {}
