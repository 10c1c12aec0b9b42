import { Module } from '@nestjs/common';
import { JurisdictionsController } from './jurisdictions.controller';

/** What the send-time laws are (GET /v1/jurisdictions); the rules themselves are pure functions used by decisions. */
@Module({ controllers: [JurisdictionsController] })
export class JurisdictionsModule {}
