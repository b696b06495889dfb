#!/usr/bin/env python3
"""Link extraction with Python's lxml over a directory of .html files: the reference
side of Benchmarks/links/run.sh.

Rules mirror AsyncURL's StreamingLinkExtractor defaults: a[href], area[href],
link[href] with rel alternate/next/prev/canonical, iframe[src], frame[src]; the first
<base href> (resolved against the page URL) is the base; fragment-only links and
javascript:/mailto:/tel:/data: links are skipped; fragments are stripped.
Only parse + extract + resolve is timed (files are read beforehand).
"""
import argparse
import os
import sys
import time
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit, quote

import lxml.html

LINK_RELS = {"alternate", "next", "prev", "canonical"}
SKIPPED_SCHEMES = {"javascript", "mailto", "tel", "data"}
XPATH = "//a[@href] | //area[@href] | //link[@href] | //iframe[@src] | //frame[@src]"


def clean(value):
    # As browsers do: drop tabs/newlines anywhere, trim C0 controls and spaces.
    value = value.replace("\t", "").replace("\n", "").replace("\r", "")
    return value.strip("".join(chr(c) for c in range(0x21)))


# Same default as AsyncURL (UTF-8) for pages that declare no charset in their first
# 1024 bytes; libxml2's own default would be ISO-8859-1.
UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def extract(data, page_url):
    if b"charset" in data[:1024].lower():
        doc = lxml.html.document_fromstring(data)
    else:
        doc = lxml.html.document_fromstring(data, parser=UTF8_PARSER)
    base = page_url
    bases = doc.xpath("//base/@href")
    if bases:
        base = urljoin(page_url, clean(bases[0]))
    links = []
    for element in doc.xpath(XPATH):
        tag = element.tag
        if tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if not LINK_RELS.intersection(rel):
                continue
        value = clean(element.get("src" if tag in ("iframe", "frame") else "href"))
        if value.startswith("#"):
            continue
        url = urldefrag(urljoin(base, value))[0]
        if url.split(":", 1)[0].lower() in SKIPPED_SCHEMES:
            continue
        links.append(url)
    return links


def load(corpus, base_url):
    prefix = base_url if base_url.endswith("/") else base_url + "/"
    pages = []
    for directory, _, files in os.walk(corpus):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, corpus)
                with open(path, "rb") as handle:
                    pages.append((prefix + relative, handle.read()))
    pages.sort()
    return pages


def normalize(url):
    """A light WHATWG-like normal form for comparing urljoin output with AsyncURL's:
    lowercase scheme/host, no default port, '/' for an empty path, percent-encode what
    WHATWG encodes (spaces, quotes, non-ASCII...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").encode("idna").decode("ascii") if parts.hostname else ""
    port = parts.port if parts.port not in (None, {"http": 80, "https": 443}.get(scheme)) else None
    netloc = host + (f":{port}" if port else "")
    if parts.username:
        netloc = parts.username + (":" + parts.password if parts.password else "") + "@" + netloc
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~[]|^\\")
    query = quote(parts.query, safe="/?%:@!$&()*+,;=-._~[]|^`{}\\")
    return urlunsplit((scheme, netloc, path, query, ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--base-url", default="http://localhost:8000/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--links-out")
    parser.add_argument("--compare", help="AsyncURL's 'page<TAB>link' file to diff against")
    args = parser.parse_args()

    pages = load(args.corpus, args.base_url)
    if not pages:
        sys.exit(f"no .html files under {args.corpus}")
    total_bytes = sum(len(data) for _, data in pages)
    best = None
    found = []
    for round_index in range(max(1, args.rounds)):
        start = time.perf_counter()
        result = [(url, extract(data, url)) for url, data in pages]
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        if round_index == 0:
            found = result
    link_count = sum(len(links) for _, links in found)
    print(f"engine=lxml pages={len(pages)} bytes={total_bytes} links={link_count} seconds={best:.4f} "
          f"MB/s={total_bytes / 1e6 / best:.1f} pages/s={len(pages) / best:.0f}")
    if args.links_out:
        with open(args.links_out, "w") as handle:
            for page, links in found:
                for link in links:
                    handle.write(f"{page}\t{link}\n")
    if args.compare:
        compare(found, args.compare)


def compare(found, path):
    ours = set()
    with open(path) as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line:
                ours.add(tuple(line.split("\t", 1)))
    theirs = {(page, link) for page, links in found for link in links}
    raw_only_lxml = theirs - ours
    raw_only_ours = ours - theirs
    print(f"compare raw: asyncurl={len(ours)} lxml={len(theirs)} (unique page/link pairs) "
          f"only-lxml={len(raw_only_lxml)} only-asyncurl={len(raw_only_ours)}")
    for page, link in sorted(raw_only_lxml)[:3]:
        print(f"  raw only lxml:     {page} -> {link}")
    for page, link in sorted(raw_only_ours)[:3]:
        print(f"  raw only asyncurl: {page} -> {link}")
    ours_n = {(p, normalize(l)) for p, l in ours}
    theirs_n = {(p, normalize(l)) for p, l in theirs}
    only_lxml = sorted(theirs_n - ours_n)
    only_ours = sorted(ours_n - theirs_n)
    print(f"compare normalized: only-lxml={len(only_lxml)} only-asyncurl={len(only_ours)}"
          + ("  => link sets EQUAL" if not only_lxml and not only_ours else ""))
    for page, link in only_lxml[:20]:
        print(f"  only lxml:     {page} -> {link}")
    for page, link in only_ours[:20]:
        print(f"  only asyncurl: {page} -> {link}")


if __name__ == "__main__":
    main()
