"""Hostile input: stored XSS payloads and query strings for the security tests.

Every XSS payload, if it ever ran, would call alert(), log "XSS-<n>" to the
console and set window.__xss, so a browser test can tell which one got
through. Each fits in a topic name (100 characters).
"""

import random

# {js} is replaced by code without double quotes; {tick} by code without any
# quotes, for payloads that sit inside a quoted attribute themselves.
_XSS_TEMPLATES = [
    "<script>{js}</script>",
    '<img src=x onerror="{js}">',
    '"><script>{js}</script>',
    "'><img src=x onerror={tick}>",
    "<svg onload={tick}>",
    "<svg><script>{js}</script></svg>",
    "javascript:{js}",
    '<iframe src="javascript:{js}"></iframe>',
    "<body onload={tick}>",
    '<a href="javascript:{js}">link</a>',
    "</title><script>{js}</script>",
    "</textarea><script>{js}</script>",
    "</script><script>{js}</script>",
    "<details open ontoggle={tick}>",
    "<input autofocus onfocus={tick}>",
    "<video><source onerror={tick}></video>",
    "<math><mtext><mglyph><style><img src=x onerror={tick}>",
    '<noscript><p title="</noscript><img src=x onerror={tick}>">',
    "{{{{ 7*7 }}}}<script>{js}</script>",
    "${{{js}}}",
    '<object data="javascript:{js}"></object>',
    '<embed src="javascript:{js}">',
    "<form><button formaction=javascript:{tick}>go",
    '<meta http-equiv=refresh content="0;url=javascript:{js}">',
    '<base href="javascript:{js}//">',
    '" onmouseover="{js}" data-x="',
    "' onfocus='{tick}' autofocus data-x='",
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<SCRIPT SRC=data:,{tick}></SCRIPT>",
    '<a href="&#106;avascript:{js}">link</a>',
    '<a href="jav&#x09;ascript:{js}">link</a>',
    "\\u003cscript\\u003e{js}\\u003c/script\\u003e",
    '<!--<img src="--><img src=x onerror={tick}//">',
    "<marquee onstart={tick}>",
    "<isindex type=image src=1 onerror={tick}>",
    '<div style="background:url(javascript:{js})">',
    "%3Cscript%3E{js}%3C/script%3E",
    '<xmp><p title="</xmp><img src=x onerror={tick}>">',
    "＜script＞{js}＜/script＞",
    "\u202e<script>{js}</script>",
    '<img srcset="x" onerror="{js}">',
    '<a href=" javascript:{js}">link</a>',
    "<style>*{{background:url(javascript:{tick})}}</style>",
    '<select autofocus onfocus="{js}"><option>x</select>',
    "<template><script>{js}</script></template>",
]


def _payload(number, template):
    js = f"alert({number}),console.log('XSS-{number}'),window.__xss={number}"
    tick = f"alert({number}),console.log(`XSS-{number}`),window.__xss={number}"
    return template.format(js=js, tick=tick)


XSS_PAYLOADS = [
    _payload(number, template)
    for number, template in enumerate(_XSS_TEMPLATES, start=1)
]


def pack(payloads, limit, separator=" "):
    """Return *payloads* joined into as few strings of at most *limit* as fit."""
    packs, current = [], ""
    for payload in payloads:
        candidate = f"{current}{separator}{payload}" if current else payload
        if len(candidate) <= limit:
            current = candidate
        else:
            packs.append(current)
            current = payload
    if current:
        packs.append(current)
    return packs


_TEN_KB = "a" * 10_240

# Sent as every query parameter the listing pages read, and more.
HOSTILE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "NaN",
    "Infinity",
    "0x10",
    "' OR '1'='1",
    "1; DROP TABLE publications_publication;--",
    "1 UNION SELECT username, password FROM auth_user--",
    "%' AND 1=1 --",
    '") OR ("a"="a',
    "\\",
    "%",
    "_",
    "a\x00b",
    "\x00",
    "%ED%A0%80",
    "\U0001f4a3",
    "\u202eevil",
    "ﬁle",
    "Ｓｃｒｉｐｔ",
    "İstanbul",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "%00%2e%2e%2f",
    "%ff%fe",
    _TEN_KB,
    "2024-13-45",
    "0000-00-00",
    "9999-12-31",
    "-0001-01-01",
    "2024-02-30T25:61:61",
    "no-such-slug",
    "ünïcödé-slug",
]

# Whole query strings: repeated and odd parameters, raw bytes, huge pages.
HOSTILE_QUERIES = [
    "page=0",
    "page=-1",
    "page=last",
    "page=999999999",
    "page=99999999999999999999999999",
    "page=1&page=2&page=x",
    "year=0",
    "year=99999",
    "year=1999&year=2000&year=abc",
    "type=a&type=b&topic=c&topic=d",
    "q=" + "x" * 10_240,
    "q=%00",
    "q=%FF%FE%FD",
    "q=%",
    "%=%&=&&&",
    "a[]=1&a[b]=2",
    "since=2024-13-45&until=0000-00-00",
    "o=99&o=-1&ordering=-title;DROP",
    "p=1&all=&_changelist_filters=%00",
    "download=exe&status=%00&year_from=1e9&year_to=-1",
]


def _search_queries():
    """Return odd search box input: operators, runs, quotes, scripts, bytes."""
    operators = [
        "&", "|", "!", "<->", "<2>", ":*", ":A", "(", ")", "-", '"', "'", "\\",
        ":", "*", "or", "OR", "and", "not", "&&", "||", "!!", "<-", "->",
    ]  # fmt: skip
    queries = [
        *operators,
        *(operator * 50 for operator in operators),
        *(f"{operator} peace" for operator in operators),
        *(f"peace {operator} war" for operator in operators),
        *("-" * count for count in (1, 2, 31, 32, 33, 49, 50, 100, 200)),
        "- " * 50,
        "-!" * 50,
        "!-" * 60,
        "-(" * 40,
        "-&" * 40,
        "-<" * 40,
        "x" + "-" * 60,
        "-" * 60 + "peace",
        "peace " + "-" * 60,
        '"' + "-" * 60 + '"',
        '"-' * 60,
        '-"' * 60,
        "-peace " * 30,
        "--peace",
        "-_" * 60,
        "-_!" * 60,
        "(peace | war) & !water <-> treaty:*",
        "peace:* & war:A | !(water <2> treaty)",
        '"peace talks" -"water" or treaty',
        '"unterminated phrase',
        'phrase" at the end"',
        '""',
        '""""""',
        "or or or or",
        "peace or",
        "or peace",
        "peace or -war -",
        "peace " * 33,
        "p" * 200,
        "peace" * 40,
        "x " * 100,
        "x" * 10_240,
        "peace " + "y" * 3000,
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "...",
        "?!",
        "—–…",
        "مرحبا peace мир 和平 שָׁלוֹם",
        "İstanbul ǅ ß ﬁle",
        "☮️ 🕊 \U0001f4a3",
        "\u202epeace",
        "pe\u200bace",
        "e\u0301",
        "\ufffd",
        "\x00",
        "peace\x00war",
        "\x01\x02\x7f",
        "\t\n\r",
        "%00",
        "%ED%A0%80",
        "' OR '1'='1",
        "1; SELECT pg_sleep(10)--",
        "$$ || $$",
        "E'\\x00'",
    ]
    rng = random.Random(20_250_101)
    alphabet = [*operators, " ", "peace", "war", "é", "мир", '"', "-", "-", "-"]
    for _ in range(60):
        size = rng.randint(1, 120)
        queries.append("".join(rng.choice(alphabet) for _ in range(size)))
    return queries


# Sent in the search box of the listing, a topic page and the staff export.
SEARCH_QUERIES = _search_queries()
