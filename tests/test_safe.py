"""corridor.webmap.safe: untrusted text and URLs made harmless, and still readable in a browser."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import folium
import jinja2
import pytest

from browser import open_page
from corridor.webmap.safe import inert, inert_data, link, safe_url

HOSTILE_FILE = Path(__file__).with_name("hostile_strings.txt")


def hostile_strings() -> list[str]:
    """One payload per line; split on "\\n" only, since some lines hold U+2028/U+2029."""
    lines = HOSTILE_FILE.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line]


# Characters that must never survive raw in inert output.
RAW_FORBIDDEN = set("&<>\"'\\`${}\n\r\u2028\u2029\x00")
# The character references inert writes.
_ENTITY_NAMES = {
    *("amp", "lt", "gt", "quot", "#39", "#92", "#96", "#36", "#123", "#125"),
    *("#10", "#13", "#8232", "#8233"),
}


def test_hostile_file_is_loaded_whole():
    strings = hostile_strings()
    assert len(strings) >= 30
    assert any("\u2028" in s for s in strings), "U+2028 line was split or lost"
    assert any(s.startswith("</script>") for s in strings)


@pytest.mark.parametrize("text", hostile_strings())
def test_inert_leaves_no_special_character(text):
    out = inert(text)
    assert not RAW_FORBIDDEN & set(out.replace("&", "")), out
    # Every "&" starts a character reference that inert itself wrote.
    assert all(part.split(";")[0] in _ENTITY_NAMES for part in out.split("&")[1:]), out


@pytest.mark.parametrize("text", [*hostile_strings(), "a\nb", "a\r\nb", "tab\tkept"])
def test_inert_round_trips_through_html_unescape(text):
    assert html.unescape(inert(text)) == text


def test_inert_exact_escapes():
    assert inert("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
    assert inert("C:\\new `cmd` ${x}") == "C:&#92;new &#96;cmd&#96; &#36;&#123;x&#125;"
    assert inert("{{ 7*7 }}{%") == "&#123;&#123; 7*7 &#125;&#125;&#123;%"
    assert inert("a\nb\r\u2028\u2029") == "a&#10;b&#13;&#8232;&#8233;"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (float("nan"), ""), (0, "0"), (3.5, "3.5"), (True, "True"), ("", "")],
)
def test_inert_non_strings(value, expected):
    assert inert(value) == expected


def test_inert_data_escapes_every_string_and_keeps_other_values():
    data = {"name": "<b>", "n": 3, "ok": True, "none": None, "{key}": ["${x}", 1.5, ("`",)]}
    assert inert_data(data) == {
        "name": "&lt;b&gt;",
        "n": 3,
        "ok": True,
        "none": None,
        "&#123;key&#125;": ["&#36;&#123;x&#125;", 1.5, ["&#96;"]],
    }
    assert data["name"] == "<b>", "the input must not be modified"


# No quotes: folium's JSON escapes them, which would make the payload a syntax error instead.
JINJA_PAYLOAD = (
    "{{ cycler.__init__.__globals__.os.environ.update(CORRIDOR_PWNED=cycler.__name__) }}"
)


def _render_with_popup(text: str) -> str:
    m = folium.Map(location=[35.8, 36.6], zoom_start=9)
    folium.Marker([35.8, 36.6], popup=text, tooltip=text).add_to(m)
    feature = {
        "type": "Feature",
        "properties": {"note": text},
        "geometry": {"type": "Point", "coordinates": [36.6, 35.8]},
    }
    folium.GeoJson(feature, name=text).add_to(m)
    return m.get_root().render()


@pytest.fixture
def clean_environ(monkeypatch):
    """Undo whatever a Jinja payload writes to os.environ once the test ends."""
    monkeypatch.setenv("CORRIDOR_PWNED", "placeholder")  # recorded, so undo restores the original
    monkeypatch.delenv("CORRIDOR_PWNED")


def test_folium_runs_jinja_in_raw_text(clean_environ):
    """Control: folium 0.20 renders element output as a template again, so raw text executes."""
    rendered = _render_with_popup("{{ 6*7 }} " + JINJA_PAYLOAD)
    assert os.environ.get("CORRIDOR_PWNED") == "Cycler"
    assert "42 " in rendered


def test_inert_text_is_not_executed_by_folium(clean_environ):
    rendered = _render_with_popup(inert("{{ 6*7 }} " + JINJA_PAYLOAD))
    assert "CORRIDOR_PWNED" not in os.environ
    # Evaluated, the payload would start the popup's text as "42 "; folium's random element ids
    # may end in 42 too, so look for it only where the text goes.
    assert not re.search(r">\s*42 ", rendered)
    assert "&#123;&#123; 6*7 &#125;&#125;" in rendered


@pytest.mark.parametrize("text", ["{% raw %}", "{# open comment", "{% if %}"])
def test_inert_text_never_breaks_folium_rendering(text):
    with pytest.raises(jinja2.TemplateSyntaxError):
        _render_with_popup(text)
    assert inert("{") in _render_with_popup(inert(text))


def test_inert_replaces_unrepresentable_characters():
    # NUL, C0/C1 controls and lone surrogates have no faithful HTML form.
    out = inert("a\x00b\x01c\x7fd\x85e\ud800f")
    assert out == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf"
    out.encode("utf-8")  # a lone surrogate would make writing the file fail


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=1&c=2#frag",
        "http://example.org",
        "HTTPS://Example.org/Path",
        "  https://example.org/padded  ",
        "https://xn--mgbaa4c.example/سراقب",
    ],
)
def test_safe_url_accepts_http_and_https(url):
    out = safe_url(url)
    assert out is not None
    assert html.unescape(out) == url.strip(" ")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "example.org",
        "https://",
        "http:///no-host",
        "https://exa mple.org",
        "https://example.org/\u2028",
        "https://example.org/\x7f",
        "ftp://example.org/file",
        "https://[::1",
        "",
        None,
        42,
    ],
)
def test_safe_url_refuses(url):
    assert safe_url(url) is None


def test_safe_url_escapes_for_attributes_and_template_literals():
    out = safe_url("https://example.org/?q=\"x\"&y='`${a}`'\\")
    assert out == (
        "https://example.org/?q=&quot;x&quot;&amp;y=&#39;&#96;&#36;&#123;a&#125;&#96;&#39;&#92;"
    )


def test_link_builds_an_anchor():
    out = link("https://example.org/?a=1&b=2", "Source <1>")
    assert out == (
        '<a href="https://example.org/?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer">Source &lt;1&gt;</a>'
    )


def test_link_without_label_shows_the_url():
    assert link("https://example.org/x", None).endswith(">https://example.org/x</a>")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil", None])
def test_link_with_refused_url_is_just_text(url):
    assert link(url, "<b>label</b>") == "&lt;b&gt;label&lt;/b&gt;"


def test_link_with_refused_url_and_no_label_shows_the_url_as_text():
    assert link("javascript:alert(1)") == "javascript:alert(1)"


# --- In the browser: inert text shows the original characters in every context folium uses.

_ROUND_TRIP_URLS = [
    "https://example.org/?a=1&b=2",
    "https://example.org/`${x}`/\\path?q='\"'",
    "HTTPS://EXAMPLE.ORG/upper",
]


def _round_trip_page(texts: list[str]) -> str:
    rows = []
    script = []
    for i, text in enumerate(texts):
        safe = inert(text)
        rows.append(f'<div id="html{i}">{safe}</div><div id="tpl{i}"></div><div id="str{i}"></div>')
        # The two JavaScript contexts folium uses: a template literal and a quoted string.
        script.append(f"document.getElementById('tpl{i}').innerHTML = `{safe}`;")
        script.append(f"document.getElementById('str{i}').innerHTML = \"{safe}\" + '{safe}';")
    for j, url in enumerate(_ROUND_TRIP_URLS):
        rows.append(f'<span id="link{j}">{link(url, "label " + url)}</span>')
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        + "".join(rows)
        + "<script>"
        + "\n".join(script)
        + "</script></body></html>"
    )


@pytest.mark.browser
def test_inert_round_trip_in_browser(browser, tmp_path):
    texts = [*hostile_strings(), "two\nlines ${window.__pwned=1}", "cr\r\nlf", "nul\x00byte"]
    path = tmp_path / "round_trip.html"
    path.write_text(_round_trip_page(texts), encoding="utf-8")
    with open_page(browser, path) as run:
        got = run.evaluate(
            """(n) => {
                const text = (id) => document.getElementById(id).textContent;
                const out = [];
                for (let i = 0; i < n; i++) {
                    out.push([text('html' + i), text('tpl' + i), text('str' + i)]);
                }
                return out;
            }""",
            len(texts),
        )
        links = run.evaluate(
            """(n) => Array.from({length: n}, (_, j) => {
                const a = document.querySelector('#link' + j + ' a');
                return a ? [a.getAttribute('href'), a.textContent, a.target, a.rel] : null;
            })""",
            len(_ROUND_TRIP_URLS),
        )
        pwned = run.evaluate("() => typeof window.__pwned")
        assert run.page_errors == []
        assert run.dialogs == []
        assert run.blocked == []
    assert pwned == "undefined"
    for text, (as_html, in_template, in_string) in zip(texts, got, strict=True):
        expected = text.replace("\x00", "\ufffd")
        assert as_html == expected, json.dumps(text)
        assert in_template == expected, json.dumps(text)
        assert in_string == expected + expected, json.dumps(text)
    for url, row in zip(_ROUND_TRIP_URLS, links, strict=True):
        assert row == [url, "label " + url, "_blank", "noopener noreferrer"]


@pytest.mark.browser
def test_harness_detects_a_payload_that_was_not_made_inert(browser, tmp_path):
    """Control: the same page without inert must be caught, or the test above proves nothing."""
    payload = '<img src=x onerror="window.__pwned=1">'
    page = f"<!DOCTYPE html><html><body><div id=t></div><script>t.innerHTML = `{payload}`;</script>"
    path = tmp_path / "control.html"
    path.write_text(page + "</body></html>", encoding="utf-8")
    with open_page(browser, path, settle_ms=300) as run:
        assert run.evaluate("() => window.__pwned") == 1


def test_safe_url_shortcut_agrees_with_urlsplit():
    """The plain-host shortcut gives what the urlsplit path gives, on 50,000 random addresses."""
    import random
    from urllib.parse import urlsplit

    from corridor.webmap import safe

    def by_urlsplit(url: str) -> str | None:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return None
        return safe.inert(url) if host else None

    rng = random.Random(9)
    shortcut = 0
    for _ in range(50_000):
        tail = "".join(rng.choice("ab.-:/?#@[]%1_X\\") for _ in range(rng.randint(0, 12)))
        url = f"http{rng.choice(['', 's', 'S'])}://{tail}"
        if safe._PLAIN_HOST.match(url):
            shortcut += 1
            assert safe.safe_url(url) == by_urlsplit(url), url
    assert shortcut > 1_000
