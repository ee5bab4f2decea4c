"""The rule documentation pages the composer links to: `GET /rules/{name}`.

The same text as `replylint explain NAME` (the rule's `docs` table), rendered from
Markdown to HTML with raw HTML disabled, so rule data cannot inject markup. The
page uses the composer's stylesheet and no script.
"""

from __future__ import annotations

import html

from markdown_it import MarkdownIt

from replylint.rule import Rule

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def rule_page(rule: Rule) -> str:
    body = _MARKDOWN.render(rule.docs.markdown(rule.name, rule.summary))
    name = html.escape(rule.name)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{name} · replylint</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/composer.css">\n</head>\n<body>\n'
        '<header class="bar"><p class="title"><a href="/">replylint</a>'
        ' <span class="sub">rules</span></p></header>\n'
        f'<main class="docs">\n<article>\n{body}</article>\n</main>\n</body>\n</html>\n'
    )
