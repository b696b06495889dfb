#!/usr/bin/env python3
"""Deterministic generator of a static benchmark web site for crawlers.

Usage:
    generate-site.py OUTDIR [--pages N] [--seed S] [--base-path /] [--origin URL] [--profile news|docs]

--profile docs writes a documentation site of link-heavy 100 KB pages instead
(scripts/docs_site.py says what it holds); the rest of this text is the default
"news" profile.

The same arguments always produce byte-identical output (a single
random.Random(seed) drives every choice; nothing depends on hash order, the
clock or the file system).

What is generated (all URL paths below are prefixed by --base-path):
  index.html                         the crawl seed, served as BASE
  section-K/index.html               section indexes, linked as BASE/section-K/
  section-K/sub-J/index.html         sub-section indexes, linked as .../sub-J/
  section-K/sub-J/page-N.html        article pages (N is global, 1..--pages)
  section-K/sub-J/topic-L/page-N.html  a third directory level for some articles
  private/...                        pages under the robots.txt-disallowed subtree
  private/press-kit.html             explicitly allowed inside /private/
  nofollow-only/page-K.html          linked ONLY through rel="nofollow" links
  redirect-only/item-K.html          reachable ONLY as the target of a redirect
  trap/comment-only.html             referenced only inside an HTML comment
  trap/script-only.html              referenced only inside a <script> string
  files/report-K.pdf, images/figure-K.png   tiny valid non-HTML resources (<a>-linked)
  static/site.css                    stylesheet (<link>, not an <a>: never in the manifest)
  robots.txt                         at the host root, with a Sitemap: line for BASE/sitemap.xml
  sitemap.xml                        a sitemap index (with lastmod) of the two files below
  sitemap-pages.xml                  urlset of the index pages (lastmod, changefreq)
  sitemap-more.xml.gz                gzipped urlset of the articles, the press kit and the
                                     robots-disallowed /private/ pages (a crawler obeying
                                     robots.txt skips those); manifest.json "sitemap" lists
                                     the allowed "pages" and the "disallowed" ones
  nginx-redirects.conf               `location = ... { return 301|302|308 ...; }` rules
  manifest.txt, manifest.json        the expected crawl result (see below)

Every HTML page is 15-40 KB and carries 20-60 <a href> links mixing: relative
(`page-7.html`, `./page-7.html`, `../sub-2/page-9.html`, `../../section-3/`),
root-relative (`/section-1/sub-2/page-5.html`), fragment-only and fragment-suffixed
links, query-only links (`?page=2`), query links written with `&amp;`, empty hrefs,
duplicates, hrefs padded with whitespace, a `../` run that climbs above the root,
absolute links to OTHER hosts (http://example.com/..., https://www.example.org/...,
//cdn.example.net/...), mailto:, tel: and javascript: links, links to 404 paths,
to redirecting paths, to the disallowed /private/ subtree, rel="nofollow" links, and
(on some pages) a <base href> pointing at another directory, against which the
page's relative links are written and must be resolved.

CRAWL SEMANTICS ASSUMED BY manifest.txt (a correct crawler seeded with BASE):
  * Links are the href attributes of <a> and <area> elements only (not <link>,
    <img>, <script src>, text inside <script>, or HTML comments). Surrounding
    ASCII whitespace in href is stripped; character references (&amp;) are decoded.
  * Relative references are resolved per RFC 3986 against the document's
    <base href> when present, else against the URL the document was fetched at
    (dot segments removed; `..` above the root stays at the root).
  * Host scope: only http(s) URLs on the seed's own host and port are followed;
    other hosts and non-HTTP schemes (mailto:, tel:, javascript:) are not.
  * robots.txt is fetched and obeyed (User-agent: *, with an Allow line for
    /private/press-kit.html that wins over Disallow: /private/ under both the
    longest-match rule of RFC 9309 and first-match parsers). robots.txt itself is
    NOT listed in the manifest. The sitemap is not used for discovery.
  * rel="nofollow" links ARE followed (Scrapy's CrawlSpider default). URLs that are
    reachable only through nofollow links are listed in manifest.json under
    "nofollow_only"; a crawler that skips nofollow links must fetch exactly
    manifest.txt minus those.
  * Fragments are stripped (same path+query with different fragments is one URL);
    the query is kept (same path with different queries are different URLs). Every
    query is written in one canonical form (keys sorted, no duplicates, no encoding
    variants), so query canonicalization does not change the set.
  * Every 2xx, 404 and 3xx response counts as fetched: 404 targets are in the
    manifest, redirect sources (including the middle of a redirect chain) are in
    the manifest, and redirects are followed, so their targets are in it too.
  * Non-HTML resources linked with <a> (.pdf, .png) are fetched (Scrapy needs
    deny_extensions=[] for this); their bodies are not parsed for links.
  * The crawl is not depth-limited. Index pages are linked as directories
    (BASE/section-K/), never as .../index.html.
manifest.txt holds one URL path (with query, if any) per line, sorted by code point.
The crawl simulation that produces it resolves the emitted hrefs with urljoin, so
what is in the HTML and what is in the manifest cannot drift apart.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import math
import os
import posixpath
import struct
import sys
import time
import zlib
from urllib.parse import urljoin, urlsplit, urlunsplit
import random

WORDS = (
    "crawler fetch queue frontier politeness robots sitemap anchor header latency "
    "throughput socket buffer parser document element attribute selector index "
    "archive section chapter summary report analysis network protocol response "
    "request status redirect cache storage mirror replica cluster shard worker "
    "thread event loop timer signal stream chunk encoding compression gzip brotli "
    "river mountain forest valley harbor bridge village garden meadow lantern "
    "copper silver amber violet crimson golden silent gentle rapid hidden ancient "
    "modern simple careful quiet bright northern southern eastern western little "
    "large small early late open closed public private local remote common rare "
    "the a of and to in is that for on with as by at from this it be are was "
    "which or an not have has were their more all can will one about also into "
    "over after before under between through during without within along across "
    "market history science music travel recipe weather sport culture health "
    "energy water light stone paper glass metal cotton timber grain salt honey "
    "measure compare collect observe describe explain record publish review update"
).split()

SECTION_TOPICS = (
    "Guides", "Reference", "Articles", "News", "Archive", "Projects",
    "Tutorials", "Research", "Community", "Releases",
)

QUERY_VARIANTS = ("?page=2", "?page=2&sort=asc", "?ref=related", "?sort=desc&view=full", "?page=3")
EXTERNAL_LINKS = (
    "http://example.com/",
    "http://example.com/about.html",
    "https://www.example.org/docs/start.html",
    "https://example.net/search?q=crawler",
    "//cdn.example.net/assets/library.html",
    "http://www.example.com:8080/ports.html",
)
ODD_SCHEME_LINKS = (
    "mailto:editor@example.com",
    "mailto:webmaster@example.com?subject=Hello",
    "tel:+15555550100",
    "javascript:void(0)",
    "javascript:window.print()",
)


class Site:
    """In-memory model of the site plus the emitted link graph."""

    def __init__(self, pages: int, seed: int, base: str, origin: str) -> None:
        self.rng = random.Random(seed)
        self.n = pages
        self.seed = seed
        self.base = base
        self.origin = origin.rstrip("/")
        # docs: url path -> dict(kind, file, base_href or None, hrefs: list[(raw, nofollow)])
        self.docs: dict[str, dict] = {}
        self.redirects: dict[str, tuple[int, str]] = {}
        self.binary_files: dict[str, bytes] = {}
        self.text_files: dict[str, str] = {}
        self.paragraphs: list[str] = []
        self.links_emitted = 0

    # ---------- layout ----------
    def layout(self) -> None:
        n, base, rng = self.n, self.base, self.rng
        self.n_sections = max(2, min(10, round(math.sqrt(n) / 15)))
        self.n_subs = max(2, min(20, n // (self.n_sections * 100)))
        self.section_paths = [f"{base}section-{k}/" for k in range(1, self.n_sections + 1)]
        self.sub_paths: list[list[str]] = [
            [f"{sp}sub-{j}/" for j in range(1, self.n_subs + 1)] for sp in self.section_paths
        ]
        flat_subs = [(k, j) for k in range(self.n_sections) for j in range(self.n_subs)]
        self.article_paths: list[str] = []
        self.sub_members: dict[tuple[int, int], list[int]] = {s: [] for s in flat_subs}
        for i in range(self.n):
            k, j = flat_subs[i * len(flat_subs) // self.n]
            sub = self.sub_paths[k][j]
            if rng.random() < 0.3:
                path = f"{sub}topic-{rng.randint(1, 3)}/page-{i + 1}.html"
            else:
                path = f"{sub}page-{i + 1}.html"
            self.article_paths.append(path)
            self.sub_members[(k, j)].append(i)
        self.flat_subs = flat_subs

        def pool(count: int, fmt: str) -> list[str]:
            return [base + fmt.format(i) for i in range(1, count + 1)]

        self.missing = pool(max(3, n // 400), "missing/page-{}.html")
        # a few 404s inside existing directories
        for i in range(max(1, n // 2000)):
            sub = self.sub_paths[i % self.n_sections][i % self.n_subs]
            self.missing.append(f"{sub}no-such-page-{i + 1}.html")
        self.private = pool(max(3, n // 500), "private/page-{}.html") + [base + "private/"]
        self.press_kit = base + "private/press-kit.html"
        self.nofollow_only = pool(max(2, n // 1000), "nofollow-only/page-{}.html")
        self.pdfs = pool(max(2, n // 1000), "files/report-{}.pdf")
        self.pngs = pool(max(2, n // 1000), "images/figure-{}.png")
        # redirects
        old = []
        for i in range(max(2, n // 400)):
            target = self.article_paths[rng.randrange(n)]
            src = f"{base}old/page-{i + 1}.html"
            self.redirects[src] = (301, target)
            old.append(src)
        for i in range(max(1, n // 2000)):
            src = f"{base}moved/item-{i + 1}.html"
            self.redirects[src] = (302, f"{base}redirect-only/item-{i + 1}.html")
            old.append(src)
        for i in range(max(1, n // 2000)):
            src = f"{base}chain/start-{i + 1}.html"
            mid = f"{base}chain/next-{i + 1}.html"
            self.redirects[src] = (301, mid)
            self.redirects[mid] = (308, self.article_paths[rng.randrange(n)])
            old.append(src)
        self.redirect_sources = old
        # query-carrying URLs: indexes plus a small pool of articles
        self.query_pool: list[str] = []
        for p in [base] + self.section_paths + [s for row in self.sub_paths for s in row]:
            self.query_pool.append(p + rng.choice(QUERY_VARIANTS))
        for _ in range(max(2, n // 50)):
            p = self.article_paths[rng.randrange(n)]
            for q in rng.sample(QUERY_VARIANTS, rng.randint(1, 2)):
                self.query_pool.append(p + q)

    # ---------- text ----------
    def build_text_pool(self) -> None:
        rng = self.rng
        for _ in range(1500):
            sentences = []
            for _ in range(rng.randint(4, 8)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
                words[0] = words[0].capitalize()
                sentences.append(" ".join(words) + rng.choice((".", ".", ".", "?", "!")))
            self.paragraphs.append(" ".join(sentences))

    # ---------- hrefs ----------
    @staticmethod
    def rel(from_dir: str, target: str) -> str:
        """Relative reference from directory from_dir (ending in '/') to path target."""
        path, sep, query = target.partition("?")
        is_dir = path.endswith("/")
        r = posixpath.relpath(path.rstrip("/") or "/", from_dir.rstrip("/") or "/")
        if is_dir:
            r = "./" if r == "." else r + "/"
        if sep:
            r += "?" + query
        return r

    def href_for(self, target: str, ref_dir: str, style: float) -> str:
        """Write target (path[?query]) as root-relative or relative to ref_dir."""
        if style < 0.45:
            return target
        r = self.rel(ref_dir, target)
        if style < 0.52 and not r.startswith("."):
            r = "./" + r
        return r

    # ---------- pages ----------
    def random_target(self) -> str:
        rng = self.rng
        x = rng.random()
        if x < 0.04:
            return rng.choice(self.query_pool)
        if x < 0.10:
            return rng.choice(self.section_paths + [self.base])
        return self.article_paths[rng.randrange(self.n)]

    def make_page(self, url: str, file_rel: str, title: str, required: list[str],
                  kind: str, allow_base: bool = True) -> None:
        rng = self.rng
        page_dir = url.rsplit("/", 1)[0] + "/"
        base_href = None
        if allow_base and kind == "article" and rng.random() < 0.03:
            k, j = rng.randrange(self.n_sections), rng.randrange(self.n_subs)
            base_href = self.sub_paths[k][j]
            if base_href == page_dir:
                base_href = None
        ref_dir = base_href or page_dir
        links: list[tuple[str, str, bool]] = []  # (href, text, nofollow)

        def add(target: str, text: str, nofollow: bool = False, frag: str | None = None) -> None:
            h = self.href_for(target, ref_dir, rng.random())
            if frag:
                h += frag
            links.append((h, text, nofollow))

        nav = [(self.base, "Home")] + [
            (sp, SECTION_TOPICS[i % len(SECTION_TOPICS)]) for i, sp in enumerate(self.section_paths)
        ]
        nav_html = "\n".join(
            f'      <li><a href="{t}">{label}</a></li>' for t, label in nav
        )
        total_target = rng.randint(20, 60)
        body_links_needed = total_target - len(nav) - 3  # 3 footer links
        for t in required:
            add(t, "continue reading")
        # specials
        specials: list[tuple[str, str, bool]] = []
        x = rng.random
        if x() < 0.08:
            specials.append((self.href_for(rng.choice(self.missing), ref_dir, x()), "old reference", False))
        if x() < 0.08:
            specials.append((self.href_for(rng.choice(self.redirect_sources), ref_dir, x()), "moved page", False))
        if x() < 0.10:
            specials.append((self.href_for(rng.choice(self.private), ref_dir, x()), "members area", False))
        if x() < 0.02:
            specials.append((self.href_for(self.press_kit, ref_dir, x()), "press kit", False))
        if x() < 0.04:
            specials.append((self.href_for(rng.choice(self.nofollow_only), ref_dir, x()), "sponsored", True))
        if x() < 0.05:
            specials.append((self.href_for(rng.choice(self.pdfs), ref_dir, x()), "download the report (PDF)", False))
        if x() < 0.05:
            specials.append((self.href_for(rng.choice(self.pngs), ref_dir, x()), "full-size figure", False))
        if x() < 0.15:
            specials.append((rng.choice(EXTERNAL_LINKS), "external resource", rng.random() < 0.5))
        if x() < 0.10:
            specials.append((rng.choice(ODD_SCHEME_LINKS), "contact", False))
        if x() < 0.05:
            specials.append(("?page=2", "next page", False))
        if x() < 0.03:
            specials.append(("", "this page", False))
        if x() < 0.02:
            depth = ref_dir.count("/") - 1
            climb = "../" * (depth + 2)
            specials.append((climb + self.article_paths[rng.randrange(self.n)].lstrip("/"), "from the top", False))
        if x() < 0.03:
            specials.append(("  " + self.href_for(rng.choice(self.article_paths), ref_dir, x()) + "\n ", "spaced link", False))
        links.extend(specials)
        n_sections_h2 = rng.randint(3, 6)
        while len(links) < body_links_needed:
            y = rng.random()
            if y < 0.08 and links:
                h, t, nf = rng.choice(links)  # duplicate
                links.append((h, t, nf))
            elif y < 0.13:
                links.append((f"#section-{rng.randint(1, n_sections_h2)}", "jump", False))
            elif y < 0.18:
                add(self.random_target(), "see also", nofollow=True)
            elif y < 0.26:
                add(self.random_target(), "related", frag=f"#section-{rng.randint(1, 5)}")
            else:
                add(self.random_target(), "related article")
        rng.shuffle(links)

        # footer
        footer_links = [
            (self.href_for(self.base, ref_dir, 0.0), "Home", False),
            ("mailto:webmaster@example.com", "Contact", False),
            (self.href_for(self.private[-1], ref_dir, 0.0), "Members", False),
        ]

        # body text
        target_size = rng.randint(16000, 37000)
        parts: list[str] = []
        head = (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
            f"  <title>{title}</title>\n"
            "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"  <meta name=\"description\" content=\"{title} - generated benchmark page\">\n"
            f"  <link rel=\"stylesheet\" href=\"{self.base}static/site.css\">\n"
        )
        if base_href:
            head += f"  <base href=\"{base_href}\">\n"
        head += "</head>\n<body>\n"
        parts.append(head)
        parts.append(f"  <header>\n    <nav>\n    <ul>\n{nav_html}\n    </ul>\n    </nav>\n  </header>\n")
        parts.append(f"  <main>\n  <article>\n    <h1>{title}</h1>\n")
        if rng.random() < 0.25:
            parts.append(f"    <!-- old navigation: <a href=\"{self.base}trap/comment-only.html\">archive</a> -->\n")
        size = sum(len(p) for p in parts)
        per_section = max(1, math.ceil(len(links) / n_sections_h2))
        li = 0
        budget_per_section = (target_size - size - 600) // n_sections_h2
        for s in range(1, n_sections_h2 + 1):
            chunk = links[li:li + per_section]
            li += per_section
            sec = [f"    <h2 id=\"section-{s}\">{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {s}</h2>\n"]
            sec_size = 0
            if chunk and rng.random() < 0.5:
                sec.append("    <ul>\n")
                for h, t, nf in chunk:
                    rel = ' rel="nofollow"' if nf else ""
                    sec.append(f"      <li><a href=\"{esc(h)}\"{rel}>{t}</a></li>\n")
                sec.append("    </ul>\n")
                chunk = []
            while True:
                para = rng.choice(self.paragraphs)
                if chunk:
                    h, t, nf = chunk.pop()
                    rel = ' rel="nofollow"' if nf else ""
                    cut = para.find(" ", len(para) // 2)
                    para = f"{para[:cut]} <a href=\"{esc(h)}\"{rel}>{t}</a>{para[cut:]}"
                p = f"    <p>{para}</p>\n"
                sec.append(p)
                sec_size += len(p)
                if sec_size >= budget_per_section and not chunk:
                    break
            parts.extend(sec)
        parts.append("  </article>\n  </main>\n")
        if rng.random() < 0.25:
            parts.append(
                "  <script>\n    var legacy = '<a href=\"" + self.base +
                "trap/script-only.html\">legacy</a>';\n    window.legacyLink = legacy;\n  </script>\n"
            )
        parts.append("  <footer>\n    <p>")
        parts.append(" | ".join(f"<a href=\"{esc(h)}\">{t}</a>" for h, t, _ in footer_links))
        parts.append(f"</p>\n    <p>Generated page for the AsyncURL benchmark site, seed {self.seed}.</p>\n  </footer>\n</body>\n</html>\n")
        html = "".join(parts)
        all_links = links + footer_links
        hrefs = [(h, nf) for h, _, nf in all_links] + [(t, False) for t, _ in nav]
        self.links_emitted += len(hrefs)
        self.docs[url] = {"kind": kind, "file": file_rel, "base": base_href, "hrefs": hrefs, "html": html}

    def build(self) -> None:
        self.layout()
        self.build_text_pool()
        base, n = self.base, self.n
        # article tree: sub index -> first 8 pages, page k -> pages 8(k+1)..8(k+1)+7
        children: dict[int, list[str]] = {}
        for (k, j), members in self.sub_members.items():
            for pos, i in enumerate(members):
                start = 8 * (pos + 1)
                children[i] = [self.article_paths[m] for m in members[start:start + 8]]
        # root
        self.make_page(base, "index.html", "Benchmark site home",
                       list(self.section_paths), "index")
        for k, sp in enumerate(self.section_paths):
            self.make_page(sp, sp[len(base):] + "index.html",
                           f"Section {k + 1}: {SECTION_TOPICS[k % len(SECTION_TOPICS)]}",
                           list(self.sub_paths[k]), "index")
            for j, subp in enumerate(self.sub_paths[k]):
                members = self.sub_members[(k, j)]
                self.make_page(subp, subp[len(base):] + "index.html",
                               f"Section {k + 1}, part {j + 1}",
                               [self.article_paths[m] for m in members[:8]], "index")
        for i in range(n):
            p = self.article_paths[i]
            w = self.rng.sample(WORDS, 3)
            self.make_page(p, p[len(base):], f"Page {i + 1}: {w[0].capitalize()} {w[1]} {w[2]}",
                           children.get(i, []), "article")
        # special HTML documents
        some = lambda: [self.article_paths[self.rng.randrange(n)] for _ in range(3)]
        for p in self.private:
            fr = p[len(base):] + ("index.html" if p.endswith("/") else "")
            self.make_page(p, fr, "Members area", [base] + some(), "private", allow_base=False)
        self.make_page(self.press_kit, self.press_kit[len(base):], "Press kit", some(), "press-kit")
        for p in self.nofollow_only:
            self.make_page(p, p[len(base):], "Sponsored content", some(), "nofollow-only")
        for src, (code, target) in self.redirects.items():
            if "/redirect-only/" in target:
                self.make_page(target, target[len(base):], "Redirect target", some(), "redirect-only")
        for name in ("comment-only", "script-only"):
            p = f"{base}trap/{name}.html"
            self.make_page(p, p[len(base):], "Trap page: must not be crawled", some(), "trap")
        for i, p in enumerate(self.pdfs):
            self.binary_files[p[len(base):]] = tiny_pdf(f"Benchmark report {i + 1}")
        for i, p in enumerate(self.pngs):
            self.binary_files[p[len(base):]] = tiny_png(i, self.rng)

    # ---------- crawl simulation ----------
    def allowed(self, path: str) -> bool:
        if path == self.press_kit:
            return True
        return not path.startswith(self.base + "private/")

    def simulate(self) -> tuple[list[str], list[str], dict]:
        origin = self.origin
        host = urlsplit(origin).netloc
        existing = set(self.docs) | {self.base + f for f in self.binary_files}

        def crawl(follow_nofollow: bool) -> tuple[dict, int, int]:
            seen: dict[str, int] = {}  # url path -> status
            order = [self.base]
            queued = {self.base}
            disallowed: set[str] = set()
            offsite = 0
            qi = 0
            while qi < len(order):
                u = order[qi]
                qi += 1
                path = u.split("?", 1)[0]
                if u in self.redirects or path in self.redirects and "?" not in u:
                    code, target = self.redirects[u]
                    seen[u] = code
                    nxt = [(target, False)]
                    doc_url = None
                elif path in self.docs:
                    seen[u] = 200
                    doc = self.docs[path]
                    nxt = doc["hrefs"]
                    doc_url = origin + (doc["base"] or u)
                elif path in existing:
                    seen[u] = 200
                    continue
                else:
                    seen[u] = 404
                    continue
                for raw, nf in nxt:
                    if nf and not follow_nofollow:
                        continue
                    absu = urljoin(doc_url, raw.strip()) if doc_url else origin + raw
                    parts = urlsplit(absu)
                    if parts.scheme not in ("http", "https") or parts.netloc != host:
                        offsite += 1
                        continue
                    v = urlunsplit(("", "", parts.path or "/", parts.query, ""))
                    if v in queued:
                        continue
                    if not self.allowed(parts.path):
                        disallowed.add(v)
                        continue
                    queued.add(v)
                    order.append(v)
            return seen, len(disallowed), offsite

        seen, n_disallowed, offsite = crawl(True)
        seen_strict, _, _ = crawl(False)
        manifest = sorted(seen)
        nofollow_only = sorted(set(seen) - set(seen_strict))
        return manifest, nofollow_only, {"seen": seen, "disallowed": n_disallowed, "offsite": offsite}

    # ---------- sitemaps ----------
    def write_sitemaps(self, put) -> dict:
        """sitemap.xml (an index) -> sitemap-pages.xml (index pages) and
        sitemap-more.xml.gz (articles, the press kit, and the /private/ pages,
        listed although robots.txt disallows them). Dates come from each page's
        position, not from the random stream, so the pages do not change."""
        base, origin = self.base, self.origin
        ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
        start = datetime.date(2026, 1, 1)

        def lastmod(position: int) -> str:
            return (start + datetime.timedelta(days=(position * 37) % 300)).isoformat()

        def urlset(paths: list[str], first: int) -> tuple[bytes, str]:
            out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{ns}">\n']
            dates = []
            for i, path in enumerate(paths):
                day = lastmod(first + i)
                dates.append(day)
                out.append(f"  <url><loc>{origin}{path}</loc><lastmod>{day}</lastmod><changefreq>weekly</changefreq></url>\n")
            out.append("</urlset>\n")
            return "".join(out).encode(), max(dates)

        index_pages = [u for u, d in self.docs.items() if d["kind"] == "index"]
        more_pages = [u for u, d in self.docs.items() if d["kind"] in ("article", "press-kit", "private")]
        pages_xml, pages_date = urlset(index_pages, 0)
        more_xml, more_date = urlset(more_pages, len(index_pages))
        put("sitemap-pages.xml", pages_xml)
        put("sitemap-more.xml.gz", gzip.compress(more_xml, compresslevel=9, mtime=0))
        files = [(base + "sitemap-pages.xml", pages_date), (base + "sitemap-more.xml.gz", more_date)]
        index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{ns}">\n']
        for path, day in files:
            index.append(f"  <sitemap><loc>{origin}{path}</loc><lastmod>{day}</lastmod></sitemap>\n")
        index.append("</sitemapindex>\n")
        put("sitemap.xml", "".join(index).encode())
        listed = index_pages + more_pages
        return {
            "index": base + "sitemap.xml",
            "files": [path for path, _ in files],
            "pages": sorted(p for p in listed if self.allowed(p)),
            "disallowed": sorted(p for p in listed if not self.allowed(p)),
        }

    # ---------- output ----------
    def write(self, out: str) -> None:
        base = self.base
        root = os.path.join(out, base.lstrip("/"))
        made: set[str] = set()
        total_bytes = 0
        html_sizes = []

        def put(rel: str, data: bytes) -> None:
            nonlocal total_bytes
            full = os.path.join(root, rel)
            d = os.path.dirname(full)
            if d not in made:
                os.makedirs(d, exist_ok=True)
                made.add(d)
            with open(full, "wb") as f:
                f.write(data)
            total_bytes += len(data)

        for url, doc in self.docs.items():
            data = doc["html"].encode()
            html_sizes.append(len(data))
            put(doc["file"], data)
        for rel, data in self.binary_files.items():
            put(rel, data)
        put("static/site.css", CSS.encode())
        # robots.txt lives at the host root
        robots = (
            "# robots.txt for the AsyncURL benchmark site\n"
            "User-agent: *\n"
            f"Allow: {self.press_kit}\n"
            f"Disallow: {base}private/\n\n"
            f"Sitemap: {self.origin}{base}sitemap.xml\n"
        )
        with open(os.path.join(out, "robots.txt"), "w") as f:
            f.write(robots)
        sitemap_info = self.write_sitemaps(put)
        conf = ["# Generated by generate-site.py: redirect rules, include inside a server block.\n"]
        for src, (code, target) in self.redirects.items():
            conf.append(f"location = {src} {{ return {code} {target}; }}\n")
        with open(os.path.join(out, "nginx-redirects.conf"), "w") as f:
            f.write("".join(conf))

        manifest, nofollow_only, info = self.simulate()
        seen = info["seen"]
        with open(os.path.join(out, "manifest.txt"), "w") as f:
            f.write("".join(u + "\n" for u in manifest))
        statuses: dict[str, int] = {}
        for u in manifest:
            statuses[str(seen[u])] = statuses.get(str(seen[u]), 0) + 1
        meta = {
            "generator": "scripts/generate-site.py",
            "seed": self.seed,
            "pages_requested": self.n,
            "base_path": base,
            "origin": self.origin,
            "start_url_path": base,
            "semantics": {
                "link_elements": ["a", "area"],
                "host_scope": "seed host and port only",
                "robots_txt": "obeyed (User-agent: *); robots.txt itself not listed",
                "nofollow": "followed; see nofollow_only",
                "fragments": "stripped",
                "query": "kept (canonical form)",
                "redirects": "followed; sources and targets both listed",
                "http_404": "fetched and listed",
                "non_html": "fetched (pdf, png), not parsed",
            },
            "counts": {
                "manifest_urls": len(manifest),
                "html_documents_written": len(self.docs),
                "article_pages": self.n,
                "index_pages": 1 + self.n_sections * (1 + self.n_subs),
                "sections": self.n_sections,
                "subsections_per_section": self.n_subs,
                "links_emitted": self.links_emitted,
                "status_in_manifest": dict(sorted(statuses.items())),
                "http_404": statuses.get("404", 0),
                "redirect_sources": sum(1 for u in manifest if seen[u] in (301, 302, 307, 308)),
                "redirect_rules": len(self.redirects),
                "disallowed_urls_linked": info["disallowed"],
                "offsite_or_non_http_links": info["offsite"],
                "nofollow_only": len(nofollow_only),
                "non_html_resources": len(self.binary_files),
                "pages_with_base_href": sum(1 for d in self.docs.values() if d["base"]),
                "bytes_total": total_bytes,
                "html_bytes_min": min(html_sizes),
                "html_bytes_max": max(html_sizes),
                "html_bytes_mean": round(sum(html_sizes) / len(html_sizes)),
            },
            "nofollow_only": nofollow_only,
            "sitemap": sitemap_info,
            "never_fetch": [base + "trap/comment-only.html", base + "trap/script-only.html"],
            "redirects": {s: {"status": c, "location": t} for s, (c, t) in self.redirects.items()},
        }
        with open(os.path.join(out, "manifest.json"), "w") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
        self.summary = meta["counts"]


def esc(h: str) -> str:
    return h.replace("&", "&amp;").replace('"', "&quot;")


def tiny_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF 1.4 with a correct xref table."""
    text = f"BT /F1 18 Tf 40 100 Td ({title}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def tiny_png(index: int, rng: random.Random) -> bytes:
    """A valid 16x16 RGB PNG with a deterministic colour."""
    w = h = 16
    r, g, b = rng.randrange(256), rng.randrange(256), rng.randrange(256)
    raw = b"".join(b"\x00" + bytes((r, g, (b + y * 8) % 256)) * w for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


CSS = """body { font-family: sans-serif; margin: 0 auto; max-width: 48rem; line-height: 1.5; }
header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; }
footer { border-top: 1px solid #ccc; margin-top: 2rem; font-size: 0.9rem; }
"""


def main() -> int:
    ap = argparse.ArgumentParser(description="Generate the deterministic crawler benchmark site.")
    ap.add_argument("outdir")
    ap.add_argument("--pages", type=int, default=20000, help="number of article pages (default 20000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-path", default="/", help="URL path prefix of the site (default /)")
    ap.add_argument("--origin", default="http://127.0.0.1:8080",
                    help="origin written into the sitemaps and robots.txt (regenerate with another "
                         "origin to serve the site elsewhere); does not affect the manifest")
    ap.add_argument("--profile", choices=("news", "docs"), default="news",
                    help="news: the site described above (default); docs: link-heavy documentation pages")
    args = ap.parse_args()
    if args.pages < 1 or args.pages > 1_000_000:
        print("generate-site.py: --pages must be between 1 and 1000000", file=sys.stderr)
        return 2
    base = "/" + args.base_path.strip("/") + "/" if args.base_path.strip("/") else "/"
    if any(c in base for c in ' ?#"<>\\') :
        print("generate-site.py: --base-path must be a plain path", file=sys.stderr)
        return 2
    o = urlsplit(args.origin)
    if o.scheme not in ("http", "https") or not o.netloc or o.path not in ("", "/"):
        print("generate-site.py: --origin must look like http://host:port", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    if args.profile == "docs":
        from docs_site import DocsSite
        site = DocsSite(args.pages, args.seed, base)
    else:
        site = Site(args.pages, args.seed, base, args.origin)
    site.build()
    os.makedirs(args.outdir, exist_ok=True)
    site.write(args.outdir)
    c = site.summary
    print(f"generate-site: {c['html_documents_written']} HTML documents, {c['manifest_urls']} manifest URLs, "
          f"{c['links_emitted']} links, {c['bytes_total'] / 1e6:.1f} MB in {time.monotonic() - t0:.1f}s "
          f"-> {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
