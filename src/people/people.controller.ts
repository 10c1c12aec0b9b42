import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { ApiProblems, Summary } from '../common/api-docs';
import { PersonDto, PersonQuery } from './people.dto';
import { PeopleService } from './people.service';

@ApiTags('audit')
@ApiBearerAuth()
@RequireScopes('audit:read')
@Controller('v1/audit/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @Summary('Find a person: where their consent stands, and how to read their history')
  @ApiProblems({ 404: ['PERSON.NOT_FOUND'] })
  @ApiOkResponse({ type: PersonDto, description: 'The lookup is recorded in the ledger (audit.read), naming the person by keyed hash.' })
  find(@Query() q: PersonQuery, @CurrentPrincipal() principal: Principal): Promise<PersonDto> {
    return this.people.find(q.q, principal);
  }
}
