import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@app/core';
import { ApiKeyRegistry, presentedKey } from '@app/tenancy';
import { IS_PUBLIC } from './public.decorator';
import '../http/request-state';

/**
 * Authenticates every non-public route by API key (hashed comparison). With no keys configured the
 * gateway is anonymous, which start-up only allows on a loopback address or when configured.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyRegistry) private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(host: ExecutionContext): boolean {
    if (this.keys.size === 0) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      host.getHandler(),
      host.getClass(),
    ]);
    if (isPublic) return true;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const secret = presentedKey(request.headers);
    if (!secret) {
      throw GatewayError.authentication(
        'Missing API key: send it as "Authorization: Bearer <key>".',
      );
    }
    const tenant = this.keys.verify(secret);
    if (!tenant) throw GatewayError.authentication('Invalid API key.');
    request.gateway.context.tenant = tenant;
    return true;
  }
}
