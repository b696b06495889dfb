#!/usr/bin/env python3
"""Compares a crawl's page log with a generated site's manifest.

Usage: check-manifest.py MANIFEST.txt CRAWL.jsonl BASE_URL

A URL counts as fetched when it is a line's `url`, `final_url` or one of its
`redirects` (every hop of a redirect chain is a fetch). Prints the counts and any
difference; exits 1 when the sets differ or a URL was fetched twice.
"""
import json
import sys
from collections import Counter

manifest_path, log_path, base = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")
want = {line.strip() for line in open(manifest_path) if line.strip()}
fetched = Counter()
got = set()
for line in open(log_path):
    record = json.loads(line)
    fetched[record["url"]] += 1
    for url in [record.get("url"), record.get("final_url")] + (record.get("redirects") or []):
        if url:
            got.add(url[len(base):] if url.startswith(base) else url)
missing = sorted(want - got)
extra = sorted(got - want)
twice = sorted(url for url, count in fetched.items() if count > 1)
print(f"manifest: {len(want)} URLs; crawled: {len(got)}; missing: {len(missing)}; extra: {len(extra)}; fetched twice: {len(twice)}")
for label, urls in (("missing", missing), ("extra", extra), ("twice", twice)):
    for url in urls[:20]:
        print(f"  {label}: {url}")
sys.exit(0 if not missing and not extra and not twice else 1)
