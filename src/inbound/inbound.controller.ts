import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, Public, RequireScopes } from '../auth/scopes';
import { AddressNormaliser } from '../customers/address-normaliser';
import { Channel } from '../common/channels';
import { FieldError, Problem } from '../common/problem';
import { notInFuture, parseInstant } from '../common/validators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { InboundMessageDto, InboundResultDto, MAX_INBOUND_BODY } from './inbound.dto';
import { InboundService, ProviderOptOutType } from './inbound.service';
import { FormParams, isValidTwilioSignature } from './twilio-signature';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

/** Twilio writes the channel as a prefix of the address: `whatsapp:+1...`, `rcs:+1...`, `messenger:123`. */
const TWILIO_CHANNELS: Record<string, Channel> = { whatsapp: 'whatsapp', rcs: 'rcs', messenger: 'messenger', sms: 'sms', mms: 'mms' };

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function twiml(reply: string | null): string {
  return reply === null
    ? '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    : `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${xmlEscape(reply)}</Message></Response>`;
}

@ApiTags('inbound')
@Controller('v1/inbound')
export class InboundController {
  constructor(
    private readonly inbound: InboundService,
    private readonly addresses: AddressNormaliser,
    private readonly idempotency: IdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Twilio's inbound-message webhook. Authenticated by X-Twilio-Signature over the public URL
   * (PUBLIC_BASE_URL + path + query) and every parameter received; no API key.
   */
  @Post('twilio')
  @Summary("Twilio's inbound-message webhook")
  @ApiProblems({
    401: ['TWILIO_SIGNATURE.MISSING'],
    403: ['TWILIO_SIGNATURE.INVALID'],
    409: ['INBOUND.MESSAGE_ID_REUSED'],
    503: ['INBOUND.TWILIO_NOT_CONFIGURED'],
  })
  @Public()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiSecurity('twilioSignature')
  @ApiBody({
    description: 'As Twilio posts it (From, To, Body, MessageSid, AccountSid, MessagingServiceSid, OptOutType, ...). At most 64 KiB.',
    schema: {
      type: 'object',
      required: ['From', 'To', 'MessageSid'],
      properties: {
        From: { type: 'string', description: 'The customer: `+14155550100`, or `whatsapp:+1...`, `rcs:+1...`, `messenger:...`.' },
        To: { type: 'string', description: 'The brand number or short code written to.' },
        Body: { type: 'string', maxLength: MAX_INBOUND_BODY },
        MessageSid: { type: 'string', maxLength: 128, description: "Twilio's message id: each is processed once." },
        AccountSid: { type: 'string' },
        MessagingServiceSid: { type: 'string' },
        NumMedia: { type: 'string', description: 'More than 0: an MMS.' },
        OptOutType: { type: 'string', enum: ['STOP', 'START', 'HELP'], description: 'Twilio matched a keyword itself (Advanced Opt-Out) and answered it.' },
      },
      additionalProperties: { type: 'string' },
    },
  })
  @ApiOkResponse({
    description: 'TwiML: the confirmation or help text in <Message>, or an empty <Response/>.',
    content: { 'text/xml': { schema: { type: 'string' } } },
    headers: {
      'Idempotent-Replayed': {
        description: 'This MessageSid was processed before: its first answer, nothing done again.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  async twilio(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const receivedAt = new Date();
    const token = this.config.twilioAuthToken;
    if (!token || !this.config.publicBaseUrl) {
      throw new Problem(
        503,
        'INBOUND.TWILIO_NOT_CONFIGURED',
        'Service unavailable',
        'TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL are not set: Twilio requests cannot be authenticated.',
        undefined,
        { 'retry-after': '60' },
      );
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) {
      throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Twilio webhooks are application/x-www-form-urlencoded.');
    }
    const params = (request.body ?? Object.create(null)) as FormParams;
    const signature = request.headers['x-twilio-signature'];
    if (signature === undefined || signature === '') {
      throw new Problem(401, 'TWILIO_SIGNATURE.MISSING', 'Unauthenticated', 'X-Twilio-Signature is required.');
    }
    if (typeof signature !== 'string' || !isValidTwilioSignature(token, this.config.publicBaseUrl + request.url, params, signature)) {
      throw new Problem(
        403,
        'TWILIO_SIGNATURE.INVALID',
        'Forbidden',
        'X-Twilio-Signature does not match this request (check TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL).',
      );
    }
    const errors: FieldError[] = [];
    const field = (name: string, max: number, required = true): string | undefined => {
      const value = params[name];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || (required && value.length === 0 && name !== 'Body') || value.length > max) {
        errors.push({ field: name, message: Array.isArray(value) ? 'must be given once' : `is required (at most ${max} characters)` });
        return undefined;
      }
      return value;
    };
    const from = field('From', 512);
    const to = field('To', 512);
    const messageId = field('MessageSid', 128);
    const body = field('Body', MAX_INBOUND_BODY, false) ?? '';
    const optOutType = field('OptOutType', 16, false)?.toUpperCase();
    if (errors.length) throw Problem.validation(errors);
    const prefix = /^([a-z]+):/i.exec(from!)?.[1]?.toLowerCase();
    let channel: Channel = prefix ? TWILIO_CHANNELS[prefix] : Number(params.NumMedia ?? 0) > 0 ? 'mms' : 'sms';
    if (!channel) throw Problem.field('From', `has an unknown channel prefix "${prefix}:"`);
    if (channel === 'sms' && Number(params.NumMedia ?? 0) > 0) channel = 'mms';
    const evidence: Record<string, string> = {};
    for (const name of ['AccountSid', 'MessagingServiceSid'])
      if (typeof params[name] === 'string') evidence[name.charAt(0).toLowerCase() + name.slice(1)] = params[name];
    const { result, duplicate } = await this.inbound.process({
      provider: 'twilio',
      messageId: messageId!,
      channel,
      from: this.addresses.normalise(channel, from!.replace(/^[a-z]+:/i, ''), 'From'),
      to: this.addresses.sender(to!, 'To'),
      body,
      receivedAt,
      receivedAtGiven: false,
      providerOptOutType: (['STOP', 'START', 'HELP'] as const).find((t): t is ProviderOptOutType => t === optOutType),
      providerEvidence: evidence,
      recordedBy: 'provider:twilio',
    });
    if (duplicate) reply.header('idempotent-replayed', 'true');
    reply.type('text/xml; charset=utf-8');
    return twiml(result.reply);
  }

  @Post('messages')
  @Summary("A customer's message, from any provider")
  @ApiProblems({ 409: ['INBOUND.MESSAGE_ID_REUSED'] })
  @Idempotent()
  @HttpCode(200)
  @ApiBearerAuth()
  @RequireScopes('inbound:write')
  @ApiOkResponse({
    type: InboundResultDto,
    description: 'What the message meant and what it changed. A repeated messageId returns the first answer with Idempotent-Replayed: true.',
  })
  messages(
    @Body() dto: InboundMessageDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InboundResultDto> {
    const receivedAt = dto.receivedAt ? notInFuture(parseInstant(dto.receivedAt)!, 'receivedAt') : new Date();
    const message = {
      provider: 'api',
      messageId: dto.messageId,
      channel: dto.channel,
      from: this.addresses.normalise(dto.channel, dto.from, 'from'),
      to: this.addresses.sender(dto.to, 'to'),
      body: dto.body,
      receivedAt,
      receivedAtGiven: dto.receivedAt !== undefined,
      recordedBy: principal.actor,
    };
    return this.idempotency.execute(request, reply, async () => {
      const { result, duplicate } = await this.inbound.process(message);
      if (duplicate) reply.header('idempotent-replayed', 'true');
      return result;
    });
  }
}
