import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes';
import { ApiProblems, Summary } from '../common/api-docs';
import { noStore } from '../common/no-store';
import { CreatePreferenceLinkDto, CreateUnsubscribeLinkDto, PreferenceLinkDto, UnsubscribeLinkDto } from './links.dto';
import { LinksService } from './links.service';

const NO_STORE = {
  'Cache-Control': {
    description: 'Always `no-store`: a link grants what it names to whoever holds it.',
    required: true,
    schema: { type: 'string', enum: ['no-store'] },
  },
};

@ApiTags('links')
@ApiBearerAuth()
@RequireScopes('consents:write')
@Controller('v1')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post('preference-links')
  @Summary(
    "A signed link to a customer's preference centre",
    'For an email footer or a message: the customer opens it to choose campaigns, channels, quiet hours and a pause. It works until expiresAt.',
  )
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND'], 503: ['LINKS.NOT_CONFIGURED'] })
  @HttpCode(201)
  @ApiCreatedResponse({ type: PreferenceLinkDto, headers: NO_STORE })
  preferenceLink(@Body() body: CreatePreferenceLinkDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<PreferenceLinkDto> {
    return this.links.createPreferenceLink(body).then(noStore(reply));
  }

  @Post('unsubscribe-links')
  @Summary('A signed one-click unsubscribe link, and the email headers that carry it (RFC 8058)', 'The link does not expire: mail is read months later.')
  @ApiProblems({ 404: ['CUSTOMER.NOT_FOUND', 'CAMPAIGN.NOT_FOUND'], 503: ['LINKS.NOT_CONFIGURED'] })
  @HttpCode(201)
  @ApiCreatedResponse({ type: UnsubscribeLinkDto, headers: NO_STORE })
  unsubscribeLink(@Body() body: CreateUnsubscribeLinkDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<UnsubscribeLinkDto> {
    return this.links.createUnsubscribeLink(body).then(noStore(reply));
  }
}
