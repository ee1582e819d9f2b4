"""The article body's allow-list: XSS payloads are defused when the article is saved, so the
API, the H5 page and the mini-program get the same harmless HTML."""

from __future__ import annotations

import pytest

from runtime.modules.content.sanitize import sanitize_body

PAYLOADS = [
    ('<p onclick="alert(1)">hi<script>alert(1)</script></p>', "<p>hi</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ("<img src=x onerror=alert(1)>", '<img src="x">'),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
    ("<svg onload=alert(1)><script>1</script></svg>", ""),
    ('<iframe src="https://evil.example"></iframe>', ""),
    ("<style>body{display:none}</style><b>b</b>", "<b>b</b>"),
    ('<p style="color:red;position:fixed;background:url(javascript:1)">a</p>',
     '<p style="color:red">a</p>'),
    ('<form action="https://evil.example"><input name="p"></form>', ""),
    ('<math><mi xlink:href="javascript:1">x</mi></math>', ""),
    ("<!-- <script>1</script> --><em>e</em>", "<em>e</em>"),
    ('<div><a href="https://example.com" target="_blank">ok</a></div>',
     '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>'),
]


@pytest.mark.parametrize(("dirty", "clean"), PAYLOADS)
def test_payloads_are_defused(dirty, clean):
    assert sanitize_body(dirty) == clean


def test_what_articles_use_is_kept():
    html = ('<h2>标题</h2><p style="text-align:center">居中</p><ul><li>一</li></ul>'
            '<table><thead><tr><th colspan="2">表</th></tr></thead></table>'
            '<figure><img src="/media/1/ab/x.png" alt="图" width="300"><figcaption>说明'
            "</figcaption></figure><blockquote>引</blockquote><hr>")
    assert sanitize_body(html) == html


def test_the_api_and_the_h5_page_serve_the_sanitised_body(client, shop, merchant):
    article = merchant.article(title="攻击", body_html='<p>正文<img src=x onerror="alert(1)">'
                                                       "<script>steal()</script></p>")
    assert article["body_html"] == '<p>正文<img src="x"></p>'
    api = client.get(f"/api/v1/shops/{shop.slug}/articles/{article['id']}").json
    assert api["body_html"] == '<p>正文<img src="x"></p>'
    html = client.get(f"/s/{shop.slug}/pages/article?id={article['id']}").get_data(as_text=True)
    assert '<p>正文<img src="x"></p>' in html
    assert "onerror" not in html and "steal()" not in html
