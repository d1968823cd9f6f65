import { Controller, Get, Module, Post, type Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { Access } from './access.decorator';
import { AccessAudit } from './access-audit';

@Controller('things')
@Access('viewer')
class DeclaredController {
  @Get() list() { return 'list'; }
  @Post() @Access('operator') create() { return 'create'; }
  @Get('open') @Access('public') open() { return 'open'; }
  helper() { return 'not a route'; }
}

@Controller('loose')
class UndeclaredController {
  @Get(':id') get() { return 'get'; }
  @Post() @Access('admin') create() { return 'create'; }
}

function appWith(controllers: Type[]) {
  @Module({ imports: [DiscoveryModule], controllers, providers: [AccessAudit] })
  class TestModule {}
  return NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
}

describe('AccessAudit', () => {
  it('lists every route with its access; the method wins over the controller', async () => {
    const app = await appWith([DeclaredController]);
    try {
      const routes = app.get(AccessAudit).routes().map(({ method, path, access, handler }) => ({ method, path, access, handler }));
      expect(routes).toEqual(expect.arrayContaining([
        { method: 'GET', path: '/things', access: 'viewer', handler: 'list' },
        { method: 'POST', path: '/things', access: 'operator', handler: 'create' },
        { method: 'GET', path: '/things/open', access: 'public', handler: 'open' },
      ]));
      expect(routes).toHaveLength(3);
    } finally {
      await app.close();
    }
  });

  it('refuses to start when a route declares no access, naming it', async () => {
    await expect(appWith([DeclaredController, UndeclaredController])).rejects.toThrow(
      'Every route must declare who may call it with @Access(...); missing on: GET /loose/:id (UndeclaredController.get)',
    );
  });
});
