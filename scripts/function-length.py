#!/usr/bin/env python3
"""Reports every function, initializer or subscript body in Swift sources longer
than a limit (default 60 lines, counted from the declaration to its closing brace).

Usage: scripts/function-length.py [--max N] DIR...
Exit status 1 when any body is over the limit. String literals (single-line and
triple-quoted) and comments are skipped when braces are matched.
"""
import argparse
import os
import re
import sys

DECLARATION = re.compile(r'(^|\s)(func\s|init[?!]?\s*[(<]|deinit\b|subscript\s*[(<])')


def code_lines(text):
    """Yields each line with string literals and comments blanked out."""
    in_multiline_string = False
    in_block_comment = False
    for line in text.split('\n'):
        out = []
        i = 0
        while i < len(line):
            if in_block_comment:
                end = line.find('*/', i)
                if end < 0:
                    i = len(line)
                else:
                    in_block_comment = False
                    i = end + 2
                continue
            if in_multiline_string:
                end = line.find('"""', i)
                if end < 0:
                    i = len(line)
                else:
                    in_multiline_string = False
                    i = end + 3
                continue
            if line.startswith('"""', i):
                in_multiline_string = True
                i += 3
            elif line.startswith('//', i):
                break
            elif line.startswith('/*', i):
                in_block_comment = True
                i += 2
            elif line[i] == '"':
                i += 1
                while i < len(line) and line[i] != '"':
                    i += 2 if line[i] == '\\' else 1
                i += 1
            else:
                out.append(line[i])
                i += 1
        yield ''.join(out)


def long_bodies(path, limit):
    lines = list(code_lines(open(path, encoding='utf-8').read()))
    index = 0
    while index < len(lines):
        if not DECLARATION.search(lines[index]):
            index += 1
            continue
        depth, opened, end = 0, False, index
        while end < len(lines) and end < index + 12 or opened:
            for character in lines[end]:
                if character == '{':
                    depth, opened = depth + 1, True
                elif character == '}':
                    depth -= 1
            if opened and depth <= 0:
                break
            end += 1
            if end >= len(lines):
                break
        if not opened:
            index += 1
            continue
        length = end - index + 1
        if length > limit:
            yield index + 1, length
            index = end + 1
        else:
            index += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--max', type=int, default=60)
    parser.add_argument('directories', nargs='+')
    arguments = parser.parse_args()
    found = 0
    for directory in arguments.directories:
        for root, _, files in os.walk(directory):
            for name in sorted(files):
                if not name.endswith('.swift'):
                    continue
                path = os.path.join(root, name)
                for line, length in long_bodies(path, arguments.max):
                    print(f'{path}:{line}: body of {length} lines (limit {arguments.max})')
                    found += 1
    sys.exit(1 if found else 0)


if __name__ == '__main__':
    main()
