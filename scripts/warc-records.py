#!/usr/bin/env python3
"""Prints one JSON line per record of the given WARC files, read with warcio's
ArchiveIterator (the tests compare what the crawler archived with what the
servers sent).

Usage: warc-records.py [--digests] FILE.warc[.gz] ...   (run with the venv
that scripts/install-deps.sh makes: .build-python/venv/bin/python)

With --digests, a record's payload is not printed: it is read in pieces and
its length and SHA-1 (`sha1:` and base32, as WARC writes digests) are printed
instead, so records of any size are read in bounded memory.
"""
import base64
import hashlib
import json
import sys

from warcio.archiveiterator import ArchiveIterator

digests_only = "--digests" in sys.argv[1:]
for path in [argument for argument in sys.argv[1:] if argument != "--digests"]:
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            line = {
                "file": path.rsplit("/", 1)[-1],
                "type": record.rec_type,
                "uri": headers.get_header("WARC-Target-URI"),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "id": headers.get_header("WARC-Record-ID"),
                "concurrent": headers.get_header("WARC-Concurrent-To"),
                "refers": headers.get_header("WARC-Refers-To-Target-URI"),
                "ip": headers.get_header("WARC-IP-Address"),
                "truncated": headers.get_header("WARC-Truncated"),
            }
            content = record.content_stream()
            if digests_only:
                digest = hashlib.sha1()
                length = 0
                while piece := content.read(1 << 20):
                    digest.update(piece)
                    length += len(piece)
                line["length"] = length
                line["sha1"] = "sha1:" + base64.b32encode(digest.digest()).decode()
                line["payloadDigest"] = headers.get_header("WARC-Payload-Digest")
                line["payload"] = ""
            else:
                line["payload"] = content.read().hex()
            print(json.dumps(line))
