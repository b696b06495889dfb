#!/usr/bin/env python3
"""Prints one JSON line per record of the given WARC files, read with warcio's
ArchiveIterator (the tests compare what the crawler archived with what the
servers sent).

Usage: warc-records.py FILE.warc[.gz] ...   (run with the venv that
scripts/install-deps.sh makes: .build-python/venv/bin/python)
"""
import json
import sys

from warcio.archiveiterator import ArchiveIterator

for path in sys.argv[1:]:
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            payload = record.content_stream().read()
            headers = record.rec_headers
            print(json.dumps({
                "file": path.rsplit("/", 1)[-1],
                "type": record.rec_type,
                "uri": headers.get_header("WARC-Target-URI"),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "payload": payload.hex(),
                "id": headers.get_header("WARC-Record-ID"),
                "concurrent": headers.get_header("WARC-Concurrent-To"),
                "refers": headers.get_header("WARC-Refers-To-Target-URI"),
                "ip": headers.get_header("WARC-IP-Address"),
                "truncated": headers.get_header("WARC-Truncated"),
            }))
