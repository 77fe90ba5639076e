"""`ServingError`: a canonical status code (as gRPC and TF Serving name them) plus a message.

Every failure the local model server answers with is one of these, so the gRPC front end
sends `code` as the call's status and the REST gateway maps it to TF Serving's HTTP status
and `{"error": message}` body.

Example:
    >>> error = ServingError("NOT_FOUND", "model 'x' is not served")
    >>> error.code, error.http_status
    ('NOT_FOUND', 404)
"""

from __future__ import annotations

# Canonical codes in number order (google.rpc.Code == tensorflow.error.Code) -> the HTTP status
# TF Serving's REST server answers with (tensorflow_serving/util/net_http ToHTTPStatusCode).
HTTP_STATUS = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}
CODE_NAMES = list(HTTP_STATUS)  # index = code number


class ServingError(Exception):
    """A request or load failure with a canonical status code name (`"INVALID_ARGUMENT"`...)."""

    def __init__(self, code: str, message: str) -> None:
        if code not in HTTP_STATUS:
            raise ValueError(f"unknown status code {code!r}; expected one of {sorted(HTTP_STATUS)}")
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    @classmethod
    def from_exception(cls, error: BaseException) -> ServingError:
        """Wrap any exception: TensorFlow errors keep their code, others become INTERNAL."""
        if isinstance(error, ServingError):
            return error
        code = getattr(error, "error_code", None)  # tf.errors.OpError carries the number
        if isinstance(code, int) and 0 < code < len(CODE_NAMES):
            return cls(CODE_NAMES[code], getattr(error, "message", str(error)))
        return cls("INTERNAL", f"{type(error).__name__}: {error}")

    def __repr__(self) -> str:
        return f"ServingError({self.code!r}, {self.message!r})"
