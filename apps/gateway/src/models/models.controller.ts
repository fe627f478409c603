import { Controller, Get, Param } from '@nestjs/common';
import { ModelsService, type OpenAiModel } from './models.service';

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(): { object: 'list'; data: OpenAiModel[] } {
    return this.models.list();
  }

  @Get(':id')
  get(@Param('id') id: string): OpenAiModel {
    return this.models.get(id);
  }
}
