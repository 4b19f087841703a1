import { applyDecorators, type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, type Role, UnauthenticatedError } from '@qms/domain-kernel';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import type { AuthenticatedRequest } from './request-context';

const PUBLIC = 'qms:public';
const ROLES = 'qms:roles';

/** Open to anyone (health, API docs); the OpenAPI document shows it without the API-key requirement. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC, true), ApiExtension('x-public', true));
/**
 * Only these roles; checked before the body is validated, so a wrong role gets 403, not 400. The
 * roles are written into the OpenAPI document, which documents the 403 from them.
 */
export const Roles = (...roles: readonly Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), ApiExtension('x-roles', [...roles]));

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    if (key === undefined) throw new UnauthenticatedError('No API key: send Authorization: Bearer <key> or X-Api-Key.');
    const actor = this.authenticator.authenticate(key);
    if (actor === undefined) throw new UnauthenticatedError('Unknown API key.');
    request.actor = actor;
    const roles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES, targets);
    if (roles !== undefined && !roles.includes(actor.role)) {
      throw new ForbiddenError(`Role ${actor.role} may not do this; allowed: ${roles.join(', ')}.`);
    }
    return true;
  }
}

function presentedKey(headers: AuthenticatedRequest['headers']): string | undefined {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}
