import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, Problem } from './problem';
import { isPlainObject } from './validators';
import 'reflect-metadata';

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

const RAW_ARRAYS = Symbol('rawArrayFields');

interface RawArrayField {
  property: string;
  kind: 'array';
  min: number;
  max: number;
}

interface RawObjectField {
  property: string;
  kind: 'object';
}

type RawField = RawArrayField | RawObjectField;

function addRawField(target: object, field: RawField): void {
  const fields = (Reflect.getMetadata(RAW_ARRAYS, target.constructor) as RawField[] | undefined) ?? [];
  Reflect.defineMetadata(RAW_ARRAYS, [...fields, field], target.constructor);
}

/**
 * A body array handed to the handler as parsed JSON, its length checked here and its items
 * checked by the service: class-transformer and class-validator walking ten thousand batch
 * recipients cost more than deciding for them.
 */
export function RawArray(bounds: { min: number; max: number }): PropertyDecorator {
  return (target, property) => addRawField(target, { property: String(property), kind: 'array', ...bounds });
}

/**
 * An optional body object whose keys are data (language tags, say), handed to the handler as
 * parsed JSON and checked by the service: class-transformer would walk it as if its keys were
 * properties, and trips over keys such as `constructor`.
 */
export function RawObject(): PropertyDecorator {
  return (target, property) => addRawField(target, { property: String(property), kind: 'object' });
}

const FAST_PATH = Symbol('fastPath');

/**
 * A quick check for the body of a hot endpoint: a body it accepts skips class-transformer and
 * class-validator. It must accept nothing class-validator would reject (see
 * src/decisions/decision.dto.spec.ts); a body it refuses goes through class-validator, which
 * names the fields at fault.
 */
export function FastPath(accepts: (body: Record<string, unknown>) => boolean): ClassDecorator {
  return (target) => Reflect.defineMetadata(FAST_PATH, accepts, target);
}

const OPTIONAL_BODY = Symbol('optionalBody');

/** Every field of the DTO is optional, and so is the body: none is read as `{}`. */
export function OptionalBody(): ClassDecorator {
  return (target) => Reflect.defineMetadata(OPTIONAL_BODY, true, target);
}

/** A JSON body must be an object before class-validator sees it: arrays, strings and null are 400s. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !metadata.metatype || !this.toValidate(metadata)) return super.transform(value, metadata);
    if (value === undefined && Reflect.getMetadata(OPTIONAL_BODY, metadata.metatype)) value = {};
    if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
      throw Problem.field('body', 'must be a JSON object');
    }
    const fast = Reflect.getMetadata(FAST_PATH, metadata.metatype) as ((body: Record<string, unknown>) => boolean) | undefined;
    if (fast?.(value as Record<string, unknown>)) return value;
    const rawFields = (Reflect.getMetadata(RAW_ARRAYS, metadata.metatype) as RawField[] | undefined) ?? [];
    if (!rawFields.length) return super.transform(value, metadata);
    const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const raw: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    for (const field of rawFields) {
      const { property } = field;
      const v = rest[property];
      delete rest[property];
      if (field.kind === 'object') {
        if (v === undefined) continue;
        if (!isPlainObject(v)) errors.push({ field: property, message: 'must be an object' });
        else raw[property] = v;
      } else if (!Array.isArray(v)) errors.push({ field: property, message: 'must be an array' });
      else if (v.length < field.min || v.length > field.max)
        errors.push({ field: property, message: `must contain ${field.min} to ${field.max} items, got ${v.length}` });
      else raw[property] = v;
    }
    let validated: Record<string, unknown>;
    try {
      validated = (await super.transform(rest, metadata)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof Problem && error.errors) errors.push(...error.errors);
      else throw error;
      validated = {};
    }
    if (errors.length) throw Problem.validation(errors);
    return Object.assign(validated, raw);
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
      return Problem.validation(flattenValidationErrors(errors));
    },
  });
}
