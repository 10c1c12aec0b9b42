import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { Summary } from '../common/api-docs';
import { AREA_CODES, JURISDICTIONS, lawList } from './laws';

class FrequencyCapDto {
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: 'integer' }) perHours: number;
  @ApiProperty({ enum: ['campaign', 'purpose'], description: 'campaign: messages on the same subject; purpose: every marketing message of the brand.' })
  scope: string;
  @ApiPropertyOptional({ type: 'integer', description: 'The cap does not apply to a customer who bought within this many months.' })
  unlessPurchasedWithinMonths?: number;
}

class JurisdictionDto {
  @ApiProperty({ enum: JURISDICTIONS, description: 'What a campaign names in `jurisdictions`.' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Country, or ISO 3166-2 region, where it applies.' }) applies: string;
  @ApiProperty({ description: "Its hours, in the recipient's local time." }) hours: string;
  @ApiProperty({ type: FrequencyCapDto, nullable: true }) cap: FrequencyCapDto | null;
  @ApiProperty() source: string;
  @ApiProperty({ format: 'date', description: 'The first day it is enforced.' }) effectiveFrom: string;
}

class AreaCodesDto {
  @ApiProperty() source: string;
  @ApiProperty({ format: 'date' }) retrieved: string;
  @ApiProperty({ type: 'integer' }) count: number;
}

class JurisdictionsDto {
  @ApiProperty({ type: JurisdictionDto, isArray: true }) jurisdictions: JurisdictionDto[];
  @ApiProperty({ type: AreaCodesDto, description: "Where a number's state comes from when the customer has no region." }) areaCodes: AreaCodesDto;
}

@ApiTags('campaigns')
@ApiBearerAuth()
@RequireScopes()
@Controller('v1/jurisdictions')
export class JurisdictionsController {
  @Get()
  @Summary('The send-time laws enforced, with their sources and since when')
  @ApiOkResponse({ type: JurisdictionsDto })
  list(): JurisdictionsDto {
    return { jurisdictions: lawList(), areaCodes: AREA_CODES };
  }
}
