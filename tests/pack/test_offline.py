"""pack.offline: what a browser would fetch from outside a page (the offline rule), on hand-written
snippets."""

import pytest

from svc_analysis.pack.offline import external_fetches


@pytest.mark.parametrize("snippet, expected", [
    ('<script src="https://cdn.example.com/a.js"></script>', ["https://cdn.example.com/a.js"]),
    ('<script src="js/local.js"></script>', []),
    ('<script>var x = "https://not-fetched.example.com";</script>', []),
    ('<link rel="stylesheet" href="http://x.org/s.css">', ["http://x.org/s.css"]),
    ('<link rel="preload" href="https://x.org/f.woff2" as="font">', ["https://x.org/f.woff2"]),
    ('<link rel="shortcut icon" href="https://x.org/favicon.ico">', ["https://x.org/favicon.ico"]),
    ('<link rel="canonical" href="https://x.org/page">', []),
    ('<a href="https://x.org/more">more</a>', []),
    ('<img src="data:image/png;base64,AAAA">', []),
    ('<img src="https://x.org/a.png">', ["https://x.org/a.png"]),
    ('<img src="//cdn.x.org/a.png">', ["//cdn.x.org/a.png"]),
    ('<img src="file:///etc/logo.png">', ["file:///etc/logo.png"]),
    ('<img srcset="small.png 1x, https://x.org/big.png 2x">', ["https://x.org/big.png"]),
    ('<iframe src="https://x.org/embed"></iframe>', ["https://x.org/embed"]),
    ('<style>@import "https://x.org/theme.css";</style>', ["https://x.org/theme.css"]),
    ("<style>@font-face { src: url('https://fonts.x.org/f.woff') }</style>", ["https://fonts.x.org/f.woff"]),
    ('<style>.a { background: url(data:image/png;base64,AAAA) }</style>', []),
    ('<div style="background-image: url(https://x.org/bg.jpg)"></div>', ["https://x.org/bg.jpg"]),
    ('<svg><rect fill="url(#grad)"/></svg>', []),
    ('<script type="module">const m = await import("https://cdn.x.org/m.mjs");</script>',
     ["https://cdn.x.org/m.mjs"]),
    ('<img src="https://x.org/a.png"><img src="https://x.org/a.png">', ["https://x.org/a.png"]),
])
def test_external_fetches_on_hand_written_snippets(snippet, expected):
    assert external_fetches(snippet) == expected


def test_external_fetches_in_order_of_appearance():
    page = ('<html><head><link rel="stylesheet" href="https://b.org/1.css">'
            '<script src="https://a.org/2.js"></script></head>'
            '<body><a href="https://c.org/">x</a><img src="rel/3.png"><img src="http://d.org/4.png"></body></html>')
    assert external_fetches(page) == ["https://b.org/1.css", "https://a.org/2.js", "http://d.org/4.png"]
