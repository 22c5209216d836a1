"""AADSTS errors as the identity platform sends them: token JSON, redirect query, error page.

Shapes follow https://learn.microsoft.com/entra/identity-platform/reference-error-codes
("Handling error codes in your application": error, error_description with Trace ID,
Correlation ID and Timestamp lines, error_codes, timestamp, trace_id, correlation_id,
error_uri) and https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
("Error response" for /authorize and /token). Message texts follow what Microsoft returns at
run time for each code (the docs table only paraphrases them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from m365sim import clock

# code -> message template; {placeholders} are filled from AadError.params.
MESSAGES: dict[int, str] = {
    50000: "There was an error issuing a token or an issue with our sign-in service.",
    50011: (
        "The redirect URI '{redirect_uri}' specified in the request does not match the redirect "
        "URIs configured for the application '{client_id}'. Make sure the redirect URI sent in "
        "the request matches one added to your application in the Azure portal. Navigate to "
        "https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
    ),
    50034: (
        "The user account {{EmailHidden}} does not exist in the '{tenant}' directory. To sign "
        "into this application, the account must be added to the directory."
    ),
    50057: "The user account is disabled.",
    50058: "A silent sign-in request was sent but no user is signed in.",
    50105: (
        "Your administrator has configured the application {app_name} ('{client_id}') to block "
        "users unless they are specifically granted ('assigned') access to the application. The "
        "signed in user '{{EmailHidden}}' is blocked because they are not a direct member of a "
        "group with access, nor had access directly assigned by an administrator. Please contact "
        "your administrator to assign access to this application."
    ),
    50126: "Error validating credentials due to invalid username or password.",
    50173: (
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. "
        "The user might have changed or reset their password. The grant was issued on "
        "'{issued}' and the TokensValidFrom date (before which tokens are not valid) for this "
        "user is '{valid_from}'."
    ),
    54005: (
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or "
        "use an existing refresh token."
    ),
    65001: (
        "The user or administrator has not consented to use the application with ID "
        "'{client_id}' named '{app_name}'. Send an interactive authorization request for this "
        "user and resource."
    ),
    65004: "User declined to consent to access the app.",
    650053: (
        "The application '{app_name}' asked for scope '{scope}' that doesn't exist on the "
        "resource '00000003-0000-0000-c000-000000000000'. Contact the app vendor."
    ),
    70000: (
        "The request was denied because one or more scopes requested are unauthorized or "
        "expired. The user must first sign in and grant the client application access to the "
        "requested scope."
    ),
    70003: "The app requested an unsupported grant type '{grant_type}'.",
    70008: (
        "The provided authorization code or refresh token has expired due to inactivity. Send a "
        "new interactive authorization request for this user and resource."
    ),
    70011: (
        "The provided value for the input parameter 'scope' is not valid. The scope {scope} is "
        "not valid."
    ),
    700016: (
        "Application with identifier '{client_id}' was not found in the directory '{tenant}'. "
        "This can happen if the application has not been installed by the administrator of the "
        "tenant or consented to by any user in the tenant. You may have sent your authentication "
        "request to the wrong tenant."
    ),
    700082: (
        "The refresh token has expired due to inactivity. The token was issued on {issued} and "
        "was inactive for 90.00:00:00."
    ),
    7000112: "Application '{client_id}'({app_name}) is disabled.",
    7000215: (
        "Invalid client secret provided. Ensure the secret being sent in the request is the "
        "client secret value, not the client secret ID, for a secret added to app '{client_id}'."
    ),
    7000218: (
        "The request body must contain the following parameter: 'client_assertion' or "
        "'client_secret'."
    ),
    9002313: "Invalid request. Request is malformed or invalid.",
    900144: "The request body must contain the following parameter: '{parameter}'.",
    90002: (
        "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud. Check with your subscription administrator, this may "
        "happen if there are no active subscriptions for the tenant."
    ),
    # Tenant policy forbids user consent (entra-docs,
    # application-sign-in-unexpected-user-consent-error.md, "Requesting not authorized
    # permissions error").
    90093: (
        "{app_name} is requesting one or more permissions that you aren't authorized to grant. "
        "Contact an administrator, who can consent to this application on your behalf."
    ),
    90094: "The grant requires admin permission.",
    90095: (
        "An administrator of {tenant_name} has set a policy that prevents you from granting "
        "{app_name} the permissions it is requesting. Contact an administrator of {tenant_name}, "
        "who can grant permissions to this app on your behalf."
    ),
    500112: (
        "The reply address '{redirect_uri}' does not match the reply address '{expected}' "
        "provided when requesting Authorization code."
    ),
    700054: "response_type '{response_type}' is not enabled for the application.",
    900971: "No reply address provided.",
    501481: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
}


@dataclass
class AadError(Exception):
    """One identity platform error: OAuth `error` plus an AADSTS code."""

    error: str
    code: int
    params: dict = field(default_factory=dict)
    suberror: str = ""
    status: int = 400

    def __post_init__(self):
        super().__init__(self.message)

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, "")
        try:
            text = template.format(**self.params)
        except (KeyError, IndexError):
            text = template
        return f"AADSTS{self.code}: {text}"


@dataclass(frozen=True)
class Trace:
    """The diagnostic ids and time Microsoft attaches to every error."""

    trace_id: str
    correlation_id: str
    timestamp: str

    @classmethod
    def for_request(cls, request: HttpRequest | None) -> Trace:
        # Microsoft echoes the client's client-request-id (MSAL sends one) as correlation id.
        correlation = request.headers.get("client-request-id", "") if request else ""
        try:
            correlation = str(uuid.UUID(correlation))
        except ValueError:
            correlation = str(uuid.uuid4())
        stamp = clock.now().strftime("%Y-%m-%d %H:%M:%SZ")
        return cls(trace_id=str(uuid.uuid4()), correlation_id=correlation, timestamp=stamp)

    def describe(self, message: str) -> str:
        return (
            f"{message}\r\nTrace ID: {self.trace_id}\r\nCorrelation ID: {self.correlation_id}"
            f"\r\nTimestamp: {self.timestamp}"
        )


def error_uri(code: int) -> str:
    return f"{settings.M365_AUTHORITY_HOST.rstrip('/')}/error?code={code}"


def token_error_response(err: AadError, request: HttpRequest) -> JsonResponse:
    """The JSON body of a failed /token (or discovery) request."""
    trace = Trace.for_request(request)
    body = {
        "error": err.error,
        "error_description": trace.describe(err.message),
        "error_codes": [err.code],
        "timestamp": trace.timestamp,
        "trace_id": trace.trace_id,
        "correlation_id": trace.correlation_id,
        "error_uri": error_uri(err.code),
    }
    if err.suberror:
        body["suberror"] = err.suberror
    response = JsonResponse(body, status=err.status)
    response["Cache-Control"] = "no-store, no-cache"
    return response


def redirect_error_params(
    err: AadError,
    *,
    state: str = "",
    request: HttpRequest | None = None,
    extra: dict | None = None,
) -> dict:
    """Query parameters of an error sent back to the redirect URI."""
    trace = Trace.for_request(request)
    params = {
        "error": err.error,
        "error_description": trace.describe(err.message),
        "error_uri": error_uri(err.code),
    }
    params.update(extra or {})
    if state:
        params["state"] = state
    return params


def redirect_error_url(
    redirect_uri: str,
    err: AadError,
    *,
    state: str = "",
    request: HttpRequest | None = None,
    extra: dict | None = None,
) -> str:
    """redirect_uri with error, error_description, error_uri, (extra) and state appended."""
    params = redirect_error_params(err, state=state, request=request, extra=extra)
    return append_query(redirect_uri, params)


def append_query(url: str, params: dict) -> str:
    sep = "&" if "?" in url else "?"
    return url + sep + urlencode({k: v for k, v in params.items() if v not in (None, "")})
