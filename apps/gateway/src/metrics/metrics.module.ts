import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RunsModule } from '../runs/runs.module';
import { ClusterMetrics } from './cluster-metrics.service';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { ProcessMetrics } from './process-metrics.service';

/** Prometheus metrics at GET /metrics (docs/operations.md). */
@Module({
  imports: [AuthModule, RunsModule],
  controllers: [MetricsController],
  providers: [GatewayMetrics, ClusterMetrics, ProcessMetrics],
  exports: [GatewayMetrics],
})
export class MetricsModule {}
