import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Channel, InvalidAddressError, normaliseAddress, normaliseAddressForLookup, normaliseSenderAddress } from '../common/channels';
import { Problem } from '../common/problem';

/** normaliseAddress with the configured default region, failing as a 400 naming the field. */
@Injectable()
export class AddressNormaliser {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  normalise(channel: Channel, address: string, field: string, forLookup = false): string {
    const normalise = forLookup ? normaliseAddressForLookup : normaliseAddress;
    return this.checked(field, () => normalise(channel, address, this.config.defaultPhoneRegion));
  }

  /** A brand's sender: number, short code or sender id (see normaliseSenderAddress). */
  sender(address: string, field: string): string {
    return this.checked(field, () => normaliseSenderAddress(address, this.config.defaultPhoneRegion));
  }

  private checked(field: string, normalise: () => string): string {
    try {
      return normalise();
    } catch (error) {
      if (error instanceof InvalidAddressError) throw Problem.field(field, error.message);
      throw error;
    }
  }
}
