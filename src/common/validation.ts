import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, Problem } from './problem';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator says "property x should not exist" for unknown fields: name the field plainly.
      const plain = message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
      out.push({ field, message: plain.replace(/^property \S+ should not exist$/, 'is not a known field') });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** A JSON body must be an object before class-validator sees it: arrays, strings and null are 400s. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
        throw Problem.field('body', 'must be a JSON object');
      }
    }
    return super.transform(value, metadata);
  }
}

/** One pipe for every route: unknown fields rejected, types converted only where declared. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return Problem.validation(fields, fields.map((f) => `${f.field} ${f.message}`).join('; '));
    },
  });
}
