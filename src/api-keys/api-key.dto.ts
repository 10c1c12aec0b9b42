import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { SCOPES, Scope } from '../auth/scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'checkout-service', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\p{L}\p{N} ._:@/-]+$/u, { message: 'may contain letters, digits, spaces and . _ : @ / - only' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['decisions:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'First characters of the secret, to tell keys apart.' }) prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class CurrentApiKeyDto {
  @ApiProperty({ description: 'The key id, or `admin` for ADMIN_API_KEY.' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiPropertyOptional({
    description:
      'The secret to send as `Authorization: Bearer <secret>`. Shown once, in the first answer: an Idempotency-Key replay has none (only a hash is kept).',
  })
  secret?: string;
}
