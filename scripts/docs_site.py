"""The "docs" profile of the benchmark site generator (generate-site.py --profile docs).

A documentation site shaped like the output of Sphinx or MkDocs: link-heavy pages of
about 100 KB with about 300 links each, so benchmarks see where a crawler spends its
time on real documentation rather than on small pages.

Layout (paths below --base-path):
  index.html                       the crawl seed (BASE)
  genindex.html                    an index of every page (links to all of them)
  chapter-K/index.html             chapter indexes, linked as BASE/chapter-K/
  chapter-K/topic-J.html           the topic pages (--pages of them in all)
  robots.txt                       allows everything
  manifest.txt                     one URL path per line: what a correct crawl fetches

Every page carries the same navigation (the chapters, the general index, and a
sidebar of about 170 pages of the whole site, written relative to the page's own
directory), an in-page table of contents (same-page `#sec-N` links), a permalink
anchor on every section heading, cross references to other pages (`./topic-J.html`,
`../chapter-K/topic-J.html#sec-N`, root-relative), previous/next links and long text.
Links are the href attributes of <a> elements; fragments do not make distinct URLs.
The manifest is computed by resolving the emitted hrefs with urljoin from the seed,
so the HTML and the manifest cannot drift apart.
"""

from __future__ import annotations

import os
import random
from urllib.parse import urljoin, urlsplit

WORDS = (
    "the crawler fetches each page once and follows its links within the scope of the "
    "seeds a request carries a method headers and a body the response status headers and "
    "the decoded body the frontier keeps one queue per host and a politeness delay between "
    "requests robots txt is fetched before the first request of a host and obeyed the "
    "parser reads the document in chunks as they arrive selectors run over the parsed tree "
    "configuration option default value returns throws parameter example note warning see "
    "also function method property type protocol module package build install reference"
).split()


class DocsSite:
    """In-memory model of a generated documentation site."""

    SIDEBAR_PAGES = 170
    SECTIONS = 36
    CROSS_REFERENCES = 60

    def __init__(self, pages: int, seed: int, base: str) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.chapters = max(1, min(40, pages // 28))
        self.topics: list[tuple[int, int]] = []  # (chapter, topic number), in reading order
        for index in range(pages):
            self.topics.append((index % self.chapters, index // self.chapters))
        self.topics.sort()
        self.files: dict[str, bytes] = {}
        self.summary = {"html_documents_written": 0, "manifest_urls": 0, "links_emitted": 0, "bytes_total": 0}

    # Paths of the site's documents (URL paths, the form links take).
    def topic_path(self, chapter: int, topic: int) -> str:
        return f"{self.base}chapter-{chapter}/topic-{topic}.html"

    def chapter_path(self, chapter: int) -> str:
        return f"{self.base}chapter-{chapter}/"

    @staticmethod
    def relative(from_dir: str, to_path: str) -> str:
        """`to_path` written relative to the directory `from_dir` (both absolute URL paths)."""
        source = [part for part in from_dir.split("/") if part]
        target = to_path.split("/")[1:]
        common = 0
        while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
            common += 1
        ups = len(source) - common
        rest = "/".join(target[common:])
        if ups == 0:
            return "./" + rest if rest else "./"
        return "../" * ups + rest

    def text(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def build(self) -> None:
        sidebar = self.rng.sample(self.topics, min(self.SIDEBAR_PAGES, len(self.topics)))
        sidebar.sort()
        documents: list[tuple[str, str, str, int | None]] = [(self.base, f"{self.base}index.html", "Documentation", None)]
        documents.append((f"{self.base}genindex.html", f"{self.base}genindex.html", "Index", None))
        for chapter in range(self.chapters):
            documents.append((self.chapter_path(chapter), f"{self.base}chapter-{chapter}/index.html", f"Chapter {chapter}", chapter))
        for position, (chapter, topic) in enumerate(self.topics):
            path = self.topic_path(chapter, topic)
            documents.append((path, path, f"Topic {chapter}.{topic}", position))
        for url_path, file_path, title, position in documents:
            directory = url_path if url_path.endswith("/") else url_path.rsplit("/", 1)[0] + "/"
            links = self.links_for(url_path, directory, title, position, sidebar)
            self.files[file_path] = self.render(title, links).encode("utf-8")
            self.summary["links_emitted"] += sum(1 for kind, _, _ in links if kind == "a")
        self.files["/robots.txt"] = b"User-agent: *\nAllow: /\n"
        self.manifest = self.crawl()

    def links_for(self, url_path, directory, title, position, sidebar):
        """The page's parts in order: ("a", href, text) links and ("p", text, "") paragraphs."""
        rel = lambda target: self.relative(directory, target)  # noqa: E731
        parts = [("a", rel(self.base), "Home"), ("a", rel(f"{self.base}genindex.html"), "Index")]
        parts += [("a", rel(self.chapter_path(c)), f"Chapter {c}") for c in range(self.chapters)]
        parts += [("a", rel(self.topic_path(c, t)), f"Topic {c}.{t}") for c, t in sidebar]
        if url_path == f"{self.base}genindex.html":
            parts += [("a", rel(self.topic_path(c, t)), f"Topic {c}.{t}") for c, t in self.topics]
        if url_path.endswith("/") and url_path != self.base:
            chapter = position
            parts += [("a", f"topic-{t}.html", f"Topic {c}.{t}") for c, t in self.topics if c == chapter]
        parts += [("a", f"#sec-{n}", f"Section {n}") for n in range(self.SECTIONS)]
        if isinstance(position, int) and not url_path.endswith("/"):
            if position > 0:
                parts.append(("a", rel(self.topic_path(*self.topics[position - 1])), "Previous"))
            if position + 1 < len(self.topics):
                parts.append(("a", rel(self.topic_path(*self.topics[position + 1])), "Next"))
        for section in range(self.SECTIONS):
            parts.append(("h", f"sec-{section}", f"{title}, section {section}"))
            parts.append(("a", f"#sec-{section}", "\u00b6"))
            parts.append(("p", self.text(self.rng.randint(260, 330)), ""))
            for _ in range(self.CROSS_REFERENCES // self.SECTIONS + (1 if section < self.CROSS_REFERENCES % self.SECTIONS else 0)):
                chapter, topic = self.rng.choice(self.topics)
                target = self.topic_path(chapter, topic)
                style = self.rng.random()
                if style < 0.5:
                    href = rel(target) + f"#sec-{self.rng.randrange(self.SECTIONS)}"
                elif style < 0.8:
                    href = rel(target)
                else:
                    href = target
                parts.append(("a", href, f"see topic {chapter}.{topic}"))
        return parts

    @staticmethod
    def render(title: str, parts) -> str:
        body = ["<nav><ul>\n"]
        closing = "</ul></nav>\n<main>\n"
        for kind, first, second in parts:
            if kind == "a":
                body.append(f'<li><a class="reference internal" href="{first}">{second}</a></li>\n')
            elif kind == "h":
                body.append(f'{closing}<section id="{first}"><h2>{second}</h2>\n<ul>\n')
                closing = "</ul></section>\n"
            else:
                body.append(f"</ul>\n<p>{first}</p>\n<ul>\n")
        body.append(closing + "</main>\n" if closing.startswith("</ul></s") else closing)
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head>\n<body>\n" + "".join(body) + "</body></html>\n"
        )

    def crawl(self) -> list[str]:
        """URL paths a correct crawl from the seed fetches (hrefs resolved with urljoin)."""
        origin = "http://docs.invalid"
        by_url = {}
        for file_path in self.files:
            if file_path.endswith("index.html") and file_path != f"{self.base}genindex.html":
                by_url[file_path[: -len("index.html")]] = file_path
            else:
                by_url[file_path] = file_path
        seen = {self.base}
        queue = [self.base]
        while queue:
            path = queue.pop()
            html = self.files.get(by_url.get(path, ""), b"").decode("utf-8")
            for piece in html.split('href="')[1:]:
                href = piece.split('"', 1)[0]
                target = urlsplit(urljoin(origin + path, href))
                url = target.path + (f"?{target.query}" if target.query else "")
                if url not in seen and url in by_url:
                    seen.add(url)
                    queue.append(url)
        return sorted(seen)

    def write(self, outdir: str) -> None:
        for path, data in self.files.items():
            full = os.path.join(outdir, path.lstrip("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(data)
            if path.endswith(".html"):
                self.summary["html_documents_written"] += 1
            self.summary["bytes_total"] += len(data)
        with open(os.path.join(outdir, "manifest.txt"), "w") as handle:
            handle.write("".join(url + "\n" for url in self.manifest))
        self.summary["manifest_urls"] = len(self.manifest)
