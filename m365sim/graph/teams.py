"""Teams meeting created through an event (isOnlineMeeting + teamsForBusiness).

Outlook appends a join block to the HTML body and fills onlineMeeting {joinUrl,
conferenceId, tollNumber} (https://learn.microsoft.com/graph/outlook-calendar-online-meetings).
The block is framed by lines of 80 underscores; a PATCH that replaces the body without it
drops the meeting (https://learn.microsoft.com/graph/api/event-update, "body property and
online meetings").
"""

from __future__ import annotations

import html
import secrets
from urllib.parse import quote

from m365sim.models import Mailbox

RULE = "_" * 80
MARKER = "Microsoft Teams-Besprechung"


def new_meeting(organizer: Mailbox) -> dict:
    thread = secrets.token_urlsafe(36).replace("-", "A").replace("_", "B")
    context = f'{{"Tid":"{organizer.tenant_id}","Oid":"{organizer.object_id}"}}'
    join_url = (
        "https://teams.microsoft.com/l/meetup-join/"
        f"19%3ameeting_{thread}%40thread.v2/0?context={quote(context, safe='')}"
    )
    return {
        "joinUrl": join_url,
        "conferenceId": str(100000000 + secrets.randbelow(899999999)),
        "tollNumber": "+49 69 365051234",
    }


def join_block(meeting: dict) -> str:
    url = html.escape(meeting["joinUrl"], quote=True)
    conf = html.escape(meeting.get("conferenceId") or "")
    rule = (
        '<div style="width:100%"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36">'
        f"{RULE}</span></div>"
    )
    return (
        f"{rule}\r\n"
        '<div class="me-email-text" lang="de-DE" style="color:#252424;font-family:\'Segoe UI\','
        "'Helvetica Neue',Helvetica,Arial,sans-serif\">\r\n"
        '<div style="margin-top:24px;margin-bottom:20px"><span style="font-size:24px;'
        f'color:#252424">{MARKER}</span></div>\r\n'
        '<div style="margin-bottom:20px"><div style="margin-top:0px;margin-bottom:0px;'
        'font-weight:bold"><span style="font-size:14px;color:#252424">Nehmen Sie auf dem '
        "Computer, in der mobilen App oder im Raumgerät teil</span></div>\r\n"
        f'<a class="me-email-headline" href="{url}" target="_blank" rel="noreferrer noopener" '
        "style=\"font-size:14px;font-family:'Segoe UI Semibold','Segoe UI',sans-serif;"
        'text-decoration:underline;color:#5B5FC7">Klicken Sie hier, um an der Besprechung '
        "teilzunehmen</a></div>\r\n"
        '<div style="margin-bottom:20px;margin-top:20px"><span style="font-size:14px;'
        f'color:#252424">Besprechungs-ID: {conf}</span></div>\r\n'
        "</div>\r\n"
        f"{rule}\r\n"
    )


def has_block(content: str, meeting: dict | None) -> bool:
    """Whether a body still carries the meeting's join block (its join link)."""
    if not meeting:
        return False
    url = meeting.get("joinUrl", "")
    return bool(url) and (url in content or html.escape(url, quote=True) in content)


def append_block(content: str, meeting: dict) -> str:
    block = join_block(meeting)
    lower = content.lower()
    at = lower.rfind("</body>")
    if at == -1:
        return content + block
    return content[:at] + block + content[at:]


def _framed(content: str) -> tuple[int, int] | None:
    """(start, end) of the join block framed by the rule lines, with their enclosing divs."""
    first, last = content.find(RULE), content.rfind(RULE)
    if first == -1:
        return None
    start = content.rfind("<div", 0, first)
    close = content.find("</div>", last)
    return (first if start == -1 else start, len(content) if close == -1 else close + 6)


def block_intact(content: str, meeting: dict | None) -> bool:
    """Whether the body carries this meeting's join block unchanged (byte for byte)."""
    return bool(meeting) and join_block(meeting).rstrip("\r\n") in content


def replace_block(content: str, meeting: dict) -> str:
    """Put a new meeting's join block where the old (altered) one stood."""
    span = _framed(content)
    if span is None:
        return append_block(content, meeting)
    start, end = span
    return content[:start] + join_block(meeting).rstrip("\r\n") + content[end:]
