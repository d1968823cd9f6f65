/** One problem with a request, located by a path into the body, query or params (`parameters[3].temp`). */
export interface FieldError {
  path: string;
  message: string;
}

/** The body of every 4xx/5xx answer. `errorId` appears only on unexpected (5xx) errors, to find them in the log. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  errorId?: string;
  /** Id of the thing whose outcome is still pending (a direct call that timed out). */
  id?: string;
}
