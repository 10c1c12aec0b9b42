import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Channel, InvalidAddressError, normaliseAddress, normaliseAddressForLookup } from './channels';
import { Problem } from './problem';

/** normaliseAddress with the configured default region, failing as a 400 naming the field. */
@Injectable()
export class AddressNormaliser {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  normalise(channel: Channel, address: string, field: string, forLookup = false): string {
    try {
      const normalise = forLookup ? normaliseAddressForLookup : normaliseAddress;
      return normalise(channel, address, this.config.defaultPhoneRegion);
    } catch (error) {
      if (error instanceof InvalidAddressError) throw Problem.field(field, error.message);
      throw error;
    }
  }
}
