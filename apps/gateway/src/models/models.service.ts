import { Injectable } from '@nestjs/common';
import { GatewayError } from '@app/core';
import { Router, type ResolvedRoute } from '@app/gateway';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The OpenAI-shaped list of the model names callers may use: routes, and deployments if exposed. */
@Injectable()
export class ModelsService {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(private readonly router: Router) {}

  list(): { object: 'list'; data: OpenAiModel[] } {
    return { object: 'list', data: this.router.list().map((route) => this.toModel(route)) };
  }

  get(id: string): OpenAiModel {
    const route = this.router.list().find((r) => r.name === id);
    if (!route) throw GatewayError.modelNotFound(id);
    return this.toModel(route);
  }

  private toModel(route: ResolvedRoute): OpenAiModel {
    return {
      id: route.name,
      object: 'model',
      created: this.created,
      owned_by: route.kind === 'route' ? 'llm-gateway' : route.targets[0].deployment.provider,
    };
  }
}
