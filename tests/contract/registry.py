"""Which documented example (and which contract test) covers each Microsoft call the product
can make. test_coverage.py cross-checks this against the product's code: a new GraphClient
method or identity function that talks to Microsoft without an entry here fails the suite."""

from __future__ import annotations

from .fixtures import graph as gf
from .fixtures import identity as idf

# GraphClient method -> (documented example(s), contract test(s) in test_graph_contract.py)
GRAPH_CALLS: dict[str, tuple[tuple[gf.Example, ...], tuple[str, ...]]] = {
    "me": ((gf.ME,), ("test_me",)),
    "calendar": ((gf.CALENDAR,), ("test_calendar_tells_the_function_check_that_teams_is_allowed",)),
    "create_event": ((gf.CREATE_EVENT,), ("test_create_event_sends_the_documented_body_and_returns_the_event",)),
    "update_event": ((gf.UPDATE_EVENT,), ("test_update_event_patches_only_the_given_properties",)),
    "cancel_event": ((gf.CANCEL_EVENT,), ("test_cancel_event_posts_the_comment_and_accepts_202_without_body",)),
    "delete_event": ((gf.DELETE_EVENT,), ("test_delete_event_sends_no_body_and_accepts_204",)),
    "get_event": ((gf.GET_EVENT,), ("test_get_event_with_select",)),
    "find_events_by_property": ((gf.LOOKUP_BY_PROPERTY,), ("test_lookup_by_extended_property_sends_the_documented_filter", "test_lookup_follows_odata_next_link")),
    "get_schedule": ((gf.GET_SCHEDULE,), ("test_get_schedule_sends_the_documented_body",)),
    "list_rooms": ((gf.LIST_ROOMS,), ("test_list_rooms_and_store_them",)),
    "batch": ((gf.BATCH,), ("test_batch_sends_the_documented_envelope_and_maps_each_item",)),
    "create_subscription": ((gf.CREATE_SUBSCRIPTION,), ("test_create_subscription_sends_the_documented_properties",)),
    "renew_subscription": ((gf.RENEW_SUBSCRIPTION,), ("test_renew_subscription_patches_only_the_expiry",)),
    "reauthorize_subscription": ((gf.REAUTHORIZE_SUBSCRIPTION,), ("test_reauthorize_subscription_posts_no_body_and_accepts_204",)),
    "delete_subscription": ((gf.DELETE_SUBSCRIPTION,), ("test_delete_subscription_sends_no_body_and_accepts_204",)),
    "calendar_view_delta": ((gf.DELTA_FIRST, gf.DELTA_LAST, gf.DELTA_NEXT), ("test_calendar_view_delta_follows_the_next_link_and_keeps_the_delta_link", "test_the_next_round_calls_the_stored_delta_link_and_reads_removed_entries", "test_410_gone_on_a_delta_link_is_a_lost_sync_state")),
}  # fmt: skip

# Every call can fail: the documented error answers and their tests (any method; the tests
# use get_event).
GRAPH_ERRORS: dict[int, tuple[gf.Example, str]] = {
    401: (gf.ERRORS[401], "test_401_refreshes_the_token_once_then_gives_up"),
    403: (gf.ERRORS[403], "test_documented_errors_map_to_the_products_exceptions"),
    404: (gf.ERRORS[404], "test_documented_errors_map_to_the_products_exceptions"),
    409: (gf.ERRORS[409], "test_documented_errors_map_to_the_products_exceptions"),
    429: (gf.THROTTLED, "test_documented_429_is_throttled_with_the_retry_after_seconds"),
    503: (gf.ERRORS[503], "test_503_with_a_retry_after_header_waits_like_throttling"),
    504: (gf.ERRORS[504], "test_documented_errors_map_to_the_products_exceptions"),
}

# Identity functions that talk to Microsoft -> (documented request/answer, tests in
# test_identity_contract.py). Plumbing (_app, _silent) is reached through these.
IDENTITY_CALLS: dict[str, tuple[tuple[object, ...], tuple[str, ...]]] = {
    "flow_start": ((idf.discovery, idf.AUTHORIZE_REQUEST), ("test_msal_reads_the_discovery_document_at_the_documented_address", "test_the_authorize_request_has_the_documented_parameters")),
    "flow_redeem": ((idf.TOKEN_RESPONSE, idf.TOKEN_ERROR), ("test_code_redemption_sends_the_documented_form_and_reads_the_answer", "test_documented_token_error_at_redemption_is_shown_with_its_code", "test_consent_errors_at_redemption_are_classified", "test_documented_cancel_redirect_is_a_cancelled_sign_in")),
    "verify_id_token": ((idf.discovery,), ("test_msal_reads_the_discovery_document_at_the_documented_address",)),
    "token_for": ((idf.TOKEN_RESPONSE, idf.aadsts_error), ("test_refresh_sends_the_documented_form", "test_refresh_errors_ask_for_a_reconnect")),
}  # fmt: skip

AADSTS_CODES = (65001, 90094, 90093, 700082, 50173)

# Product functions outside the identity module that build a Microsoft request (a browser
# redirect) -> (documented request/answers, tests in test_identity_contract.py).
OTHER_CALLS: dict[str, tuple[tuple[object, ...], tuple[str, ...]]] = {
    "services.admin_consent_url": ((idf.ADMIN_CONSENT_REQUEST, idf.ADMIN_CONSENT_SUCCESS, idf.ADMIN_CONSENT_ERROR), ("test_admin_consent_link_has_the_documented_parameters", "test_documented_admin_consent_success_is_shown_as_granted", "test_documented_admin_consent_error_is_shown_as_cancelled_with_its_code")),
}  # fmt: skip
