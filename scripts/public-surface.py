#!/usr/bin/env python3
"""Lists the `public` declarations in Sources/ and where their names are used.

For each public declaration it prints the module, file:line, kind, name and the
number of references (by name, word-bounded, comments stripped) in: the same
module, other Sources modules, Examples/, Tests/, Benchmarks/ (with Fuzz/) and
the user documentation (README.md and the DocC articles).

A declaration whose name is used outside its module only by Tests/ or
Benchmarks/ (and not by the documentation) is a candidate for `package`
(`--candidates`). Names are matched textually, so a name declared more than
once in Sources is marked `ambiguous` and needs a look by hand; the compiler
then checks the change (a public signature cannot use a `package` type).

Usage: scripts/public-surface.py [--candidates] [--module NAME]
"""

import argparse
import os
import re
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = r"class|struct|enum|protocol|actor|typealias|func|var|let|init|subscript|case|associatedtype"
MODIFIERS = r"(?:final|static|class|override|nonisolated|mutating|nonmutating|convenience|required|indirect|lazy|dynamic|weak|unowned|borrowing|consuming|package|private\(set\)|internal\(set\)|fileprivate\(set\)|package\(set\))"
PUBLIC_DECL = re.compile(
    r"^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:" + MODIFIERS + r"\s+)*public\s+(?:" + MODIFIERS + r"\s+)*("
    + KINDS
    + r")\b\s*`?([A-Za-z_][\w]*|[^\s(<]+)?"
)
ANY_DECL = re.compile(r"\b(?:class|struct|enum|protocol|actor|typealias|func|var|let|case|associatedtype)\s+`?([A-Za-z_]\w*)")
TYPE_DECL = re.compile(r"^(\s*)((?:[\w@().]+\s+)*)(?:class|struct|enum|protocol|actor|extension)\s+([A-Za-z_][\w.]*)")


PACKAGE_TYPE = re.compile(r"^\s*(?:[\w@()]+\s+)*package\s+(?:final\s+)?(?:class|struct|enum|protocol|actor)\s+(\w+)", re.M)


def swift_files(top):
    for directory, _, files in os.walk(os.path.join(ROOT, top)):
        if "/.build" in directory:
            continue
        for name in sorted(files):
            if name.endswith(".swift"):
                yield os.path.join(directory, name)


def code_text(path):
    """The file's lines with // comments and /* */ blocks removed (string contents kept)."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return [re.sub(r"(^|\s)//.*$", "", line) for line in text.split("\n")]


def module_of(path):
    rel = os.path.relpath(path, ROOT).split(os.sep)
    return rel[1] if rel[0] == "Sources" else rel[0]


def collect_declarations():
    declarations = []
    declared_names = defaultdict(int)
    package_types = set()
    for path in swift_files("Sources"):
        package_types.update(PACKAGE_TYPE.findall("\n".join(code_text(path))))
    for path in swift_files("Sources"):
        stack = []
        for number, line in enumerate(code_text(path), 1):
            for name in ANY_DECL.findall(line):
                declared_names[name] += 1
            type_match = TYPE_DECL.match(line)
            indent = len(line) - len(line.lstrip())
            while stack and stack[-1][0] >= indent and line.strip() and not line.strip().startswith("}"):
                stack.pop()
            match = PUBLIC_DECL.match(line)
            if match and not any(hidden for _, _, hidden in stack):
                kind, name = match.group(1), match.group(2) or ""
                if kind == "init" or kind == "subscript":
                    name = kind
                owner = stack[-1][1] if stack else ""
                declarations.append((module_of(path), os.path.relpath(path, ROOT), number, kind, name, owner))
            if type_match:
                # Members of a type (or an extension of one) that is not public are not public API.
                modifiers, type_name = type_match.group(2), type_match.group(3)
                hidden = "public" not in modifiers and "open" not in modifiers and "extension" not in line
                stack.append((indent, type_name, hidden or type_name.split(".")[0] in package_types))
    return declarations, declared_names


def reference_corpus():
    groups = defaultdict(list)  # group -> [(module, text)]
    for top in ("Sources", "Examples", "Tests", "Benchmarks", "Fuzz"):
        for path in swift_files(top):
            group = {"Fuzz": "Benchmarks"}.get(top, top)
            groups[group].append((module_of(path), os.path.relpath(path, ROOT), "\n".join(code_text(path))))
    docs = [os.path.join(ROOT, "README.md")]
    for directory, _, files in os.walk(os.path.join(ROOT, "Sources")):
        if ".docc" in directory:
            docs += [os.path.join(directory, f) for f in files if f.endswith(".md")]
    groups["docs"] = [("docs", os.path.relpath(p, ROOT), open(p, encoding="utf-8").read()) for p in docs]
    return groups


def identifier_counts(groups):
    """Per group, per module: how often each identifier occurs."""
    counts = {}
    for group, entries in groups.items():
        for module, _, text in entries:
            counts.setdefault(group, {}).setdefault(module, Counter()).update(re.findall(r"[A-Za-z_]\w*", text))
    return counts


def count(name, modules, keep):
    return sum(counter[name] for module, counter in modules.items() if keep(module))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", action="store_true", help="only names used outside their module by Tests/Benchmarks alone")
    parser.add_argument("--module", help="only this Sources module")
    arguments = parser.parse_args()
    declarations, declared_names = collect_declarations()
    counts = identifier_counts(reference_corpus())
    print("module\tlocation\tkind\towner.name\tsame-module\tother-sources\texamples\ttests\tbenchmarks\tdocs\tnote")
    for module, path, line, kind, name, owner in declarations:
        if arguments.module and module != arguments.module:
            continue
        if kind in ("init", "subscript") or not re.match(r"^[A-Za-z_]\w*$", name):
            lookup = owner.split(".")[-1] if owner else ""
        else:
            lookup = name
        if not lookup:
            continue
        same = count(lookup, counts.get("Sources", {}), lambda m: m == module) - 1
        other = count(lookup, counts.get("Sources", {}), lambda m: m != module)
        examples = count(lookup, counts.get("Examples", {}), lambda m: True)
        tests = count(lookup, counts.get("Tests", {}), lambda m: True)
        benchmarks = count(lookup, counts.get("Benchmarks", {}), lambda m: True)
        docs = count(lookup, counts.get("docs", {}), lambda m: True)
        note = "ambiguous" if declared_names[lookup] > 1 or lookup != name else ""
        if arguments.candidates and (other or examples or docs or not (tests or benchmarks)):
            continue
        qualified = f"{owner}.{name}" if owner else name
        print(f"{module}\t{path}:{line}\t{kind}\t{qualified}\t{same}\t{other}\t{examples}\t{tests}\t{benchmarks}\t{docs}\t{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
