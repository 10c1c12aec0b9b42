import { ParseUUIDPipe } from '@nestjs/common';
import { Problem } from './problem';

/** An `:id` path segment that must be a UUID (API keys, webhook endpoints, imports, exports): a 400 naming `id` otherwise. */
export const uuidParam = new ParseUUIDPipe({ exceptionFactory: () => Problem.field('id', 'must be a UUID') });
