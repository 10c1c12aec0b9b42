/**
 * Owns the error vocabulary of the API: RFC 9457 problem details with a stable `code`.
 * Services throw `Problem`s; the filter turns them (and everything else) into responses.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  errors?: FieldError[];
  instance?: string;
  /** The request's id (X-Request-Id): quote it to operators, it is in the log line of a 5xx. */
  requestId?: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }

  body(instance?: string, requestId?: string): ProblemBody {
    return {
      type: `/problems/${this.code.toLowerCase().replace(/[._]/g, '-')}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }

  /** Detail defaults to every field and its message, e.g. "channel must be one of ...; at ...". */
  static validation(errors: FieldError[], detail = errors.map((f) => `${f.field} ${f.message}`).join('; ')): Problem {
    return new Problem(400, 'VALIDATION_FAILED', 'Invalid request', detail, errors);
  }

  static field(field: string, message: string): Problem {
    return Problem.validation([{ field, message }]);
  }

  static notFound(code: string, detail: string): Problem {
    return new Problem(404, code, 'Not found', detail);
  }

  static conflict(code: string, detail: string, errors?: FieldError[]): Problem {
    return new Problem(409, code, 'Conflict', detail, errors);
  }

  static unprocessable(code: string, detail: string, errors?: FieldError[]): Problem {
    return new Problem(422, code, 'Unprocessable request', detail, errors);
  }

  static unavailable(detail: string, retryAfterSeconds = 1): Problem {
    return new Problem(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', detail, undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
