import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeysService } from '../auth/api-keys.service';
import { authenticateRequest, bearerToken } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { Access } from '../auth/access.decorator';
import type { RequestWithActor } from '../common/actor';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { GatewayMetrics } from './gateway-metrics';
import { metricsAccess } from './metrics-access';
import { ProcessMetrics } from './process-metrics.service';

/**
 * GET /metrics in Prometheus's text format. Declared public for the global guard because its rule
 * is its own (metricsAccess): the scrape token or an admin, or loopback outside production.
 * Not in the OpenAPI document: it is for scrapers, not API clients.
 */
@ApiExcludeController()
@Controller('metrics')
@Access('public')
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly processMetrics: ProcessMetrics,
    private readonly auth: AuthService,
    private readonly keys: ApiKeysService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const bearer = bearerToken(req.headers.authorization);
    const scrapeToken = this.config.env.IVORYOS_METRICS_TOKEN;
    let role: string | undefined;
    if (bearer !== undefined && bearer !== scrapeToken) {
      role = (await authenticateRequest(req as RequestWithActor, this.auth, this.keys).catch(() => undefined))?.role;
    }
    const access = metricsAccess({ production: this.config.production, remoteAddress: req.socket.remoteAddress, bearer, scrapeToken, role });
    if (access !== 'allow') {
      if (access === 'unauthenticated') res.setHeader('WWW-Authenticate', 'Bearer realm="ivoryos-metrics"');
      res.status(access === 'forbidden' ? 403 : 401).json({
        message: access === 'forbidden' ? 'Metrics need role admin or the scrape token (IVORYOS_METRICS_TOKEN)' : 'Send the scrape token (IVORYOS_METRICS_TOKEN) or an admin token as a bearer token',
      });
      return;
    }
    this.processMetrics.samplePool();
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
