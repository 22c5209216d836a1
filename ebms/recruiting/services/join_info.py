"""Join information of online meetings: a strict HTML sanitizer and the 1:1 replacement of
JOIN_INFO_PLACEHOLDER in the candidate message (text and HTML)."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.html import linebreaks

from ..models import JOIN_INFO_PLACEHOLDER, Appointment

ALLOWED_TAGS = {
    "a", "p", "br", "span", "div", "b", "strong", "i", "em", "u", "hr",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th",
}  # fmt: skip
VOID_TAGS = {"br", "hr"}
# Attributes kept per tag (besides the checked href); no style, no event handlers.
ALLOWED_ATTRS = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Their content is dropped entirely, not only the tags.
DROP_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript",
                "textarea", "select", "title", "head", "svg", "math"}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(value: str | None) -> str | None:
    """The URL when it is http(s), else None (javascript:, data:, relative, obfuscated...)."""
    if not value:
        return None
    url = _CONTROL.sub("", value)  # browsers ignore these inside a scheme ("java\tscript:")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value.strip()


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in DROP_CONTENT:
                self.dropping.append(tag)
            return
        if tag in DROP_CONTENT:
            self.dropping.append(tag)
            return
        if tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if tag == "a" and name == "href":
                href = safe_href(value)
                if href:
                    kept.append(f' href="{escape(href)}" rel="noopener noreferrer"')
            elif name in ALLOWED_ATTRS.get(tag, ()) and value and value.isdigit():
                kept.append(f' {name}="{value}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open and self.open[-1] == tag and not self.dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag not in self.open:
            return
        # Close anything left open inside it, so the output stays well nested.
        while self.open:
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(html: str) -> str:
    """Keep a small safe subset of HTML (links http/https only); escape all other text."""
    parser = _Sanitizer()
    parser.feed(html or "")
    return parser.result()


def join_parts(appointment: Appointment) -> tuple[str, str, str] | None:
    """(url, text, safe html) of the join information, or None while it is unknown."""
    if appointment.join_url or appointment.join_info_text or appointment.join_info_html:
        url = safe_href(appointment.join_url) or ""
        text = appointment.join_info_text.strip() or url
        html = sanitize_html(appointment.join_info_html) if appointment.join_info_html else ""
        if not html and url:
            html = _link(url)
        if not html and text:
            html = linebreaks(escape(text))
        return url, text, html
    link = safe_href(appointment.meeting_link)
    if link:
        return link, link, _link(link)
    return None


def _link(url: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'


def candidate_text(appointment: Appointment) -> str:
    """The candidate message as plain text with the join information filled in."""
    message = appointment.candidate_message or ""
    if not appointment.is_online:
        return message.replace(JOIN_INFO_PLACEHOLDER, "").strip()
    parts = join_parts(appointment)
    if parts is None:
        return message  # still waiting: the placeholder stays visible in previews
    if JOIN_INFO_PLACEHOLDER not in message:
        return f"{message}\n\n{parts[1]}".strip()
    return message.replace(JOIN_INFO_PLACEHOLDER, parts[1])


def candidate_html(appointment: Appointment) -> str:
    """The candidate message as HTML: user text escaped, join information sanitised."""
    message = appointment.candidate_message or ""
    parts = join_parts(appointment) if appointment.is_online else None
    if not appointment.is_online:
        message = message.replace(JOIN_INFO_PLACEHOLDER, "").strip()
    # The placeholder contains no HTML-special characters, so it survives escaping 1:1.
    html = linebreaks(escape(message)) if message.strip() else ""
    if parts is None:
        return html
    if JOIN_INFO_PLACEHOLDER not in html:
        return html + f"<div>{parts[2]}</div>"
    # A placeholder on its own paragraph becomes a block (join info holds divs and tables).
    html = html.replace(f"<p>{JOIN_INFO_PLACEHOLDER}</p>", f"<div>{parts[2]}</div>")
    # Inside a paragraph: end it around the block (a <div> may not stand inside a <p>).
    html = html.replace(JOIN_INFO_PLACEHOLDER, f"</p><div>{parts[2]}</div><p>")
    for empty, tidy in (("<p><br>", "<p>"), ("<br></p>", "</p>"), ("<p></p>", "")):
        html = html.replace(empty, tidy)
    return html
