import { Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA } from './access.decorator';
import type { AccessLevel } from './roles';

export interface RouteAccess {
  controller: string;
  handler: string;
  method: string;
  /** Route path without the global prefix, e.g. `/workflows/:name`. */
  path: string;
  access: AccessLevel | undefined;
}

/** Lists every controller route with its declared access and refuses to start when one has none. */
@Injectable()
export class AccessAudit implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteAccess[] {
    const out: RouteAccess[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || typeof metatype !== 'function') continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (handlerPath === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        out.push({
          controller: metatype.name,
          handler: name,
          method: RequestMethod[method],
          path: joinPath(Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined, handlerPath),
          access: this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [handler, metatype]),
        });
      }
    }
    return out;
  }

  onModuleInit(): void {
    const missing = this.routes().filter((r) => !r.access);
    if (missing.length) {
      const list = missing.map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`).join(', ');
      throw new Error(`Every route must declare who may call it with @Access(...); missing on: ${list}`);
    }
  }
}

function joinPath(prefix: string | string[] | undefined, path: string | string[]): string {
  const first = (p: string | string[] | undefined) => (Array.isArray(p) ? p[0] : p) ?? '';
  return `/${[first(prefix), first(path)].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}
