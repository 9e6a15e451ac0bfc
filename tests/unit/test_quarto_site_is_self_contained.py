"""A Quarto page as the 1.10 render wrote it (require.js and jQuery from a CDN, the
format links named after the tools) leaves the report stage without any request outside
the site, and with its other formats named "PDF" and "Word"."""

from __future__ import annotations

from helpers.report.render import format_link_names, self_contained

CDN = "https://cdn.jsdelivr.net/npm"
HEAD = (
    '<head>\n<meta charset="utf-8">\n'
    '<script src="site_libs/quarto-nav/quarto-nav.js"></script>\n'
    '<link href="site_libs/bootstrap/bootstrap.min.css" rel="stylesheet">\n'
    f'<script src="{CDN}/requirejs@2.3.6/require.min.js" crossorigin="anonymous"></script>\n'
    f'<script src="{CDN}/jquery@3.5.1/dist/jquery.min.js" crossorigin="anonymous" '
    'data-relocate-top="true"></script>\n'
    '<script type="application/javascript" data-relocate-top="true">'
    "define('jquery', [],function() {return window.jQuery;})</script>\n"
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">\n</head>'
)
FORMATS = """<div class="quarto-alternate-formats"><h2>Andere formaten</h2><ul>
<li><a href="overvecht.docx"><i class="bi bi-file-word"></i>MS Word</a></li>
<li><a href="overvecht.pdf"><i class="bi bi-file-pdf"></i>Typst</a></li></ul></div>
<p><a href="https://www.cbs.nl/">CBS</a> on another site.</p>"""


def test_scripts_and_styles_from_outside_the_site_are_removed_the_sites_own_kept():
    page = self_contained(HEAD)
    assert "cdn.jsdelivr.net" not in page and "googleapis" not in page
    assert "define('jquery'" not in page, "the shim fails without require.js"
    assert 'src="site_libs/quarto-nav/quarto-nav.js"' in page
    assert 'href="site_libs/bootstrap/bootstrap.min.css"' in page
    assert self_contained(page) == page


def test_the_other_formats_are_called_pdf_and_word():
    page = format_link_names(FORMATS)
    assert '<i class="bi bi-file-word"></i>Word</a>' in page
    assert '<i class="bi bi-file-pdf"></i>PDF</a>' in page
    assert "Typst</a></li>" not in page and "MS Word" not in page
    assert '<a href="https://www.cbs.nl/">CBS</a>' in page, "links to other sites stay"
