#!/usr/bin/env python3
"""Reads a tagged PDF's structure back (qpdf --json) and checks its marked
content (docs/package.md, "Tagged PDF"). Not a PDF/UA validator: it sees
what qpdf's JSON shows. Usage:

  scripts/check-tags.py tree FILE.pdf       the structure tree, indented:
      one line per element, "Role", "Role alt=..." for an /Alt,
      "Role scope=Column" for a header cell, "Link -> URI" for a link;
      a run of equal sibling subtrees is printed once with "(xN)"
  scripts/check-tags.py check FILE.pdf      "ok ..." / "FAIL ..." lines;
      exits 1 when one fails
  scripts/check-tags.py artifacts FILE.pdf  per page, the text drawn in
      artifacts: "page N [Type/Subtype]: text"

The content streams are read decoded (--decode-level=generalized); the text
of libharu's UTF-8 fonts is 2-byte codes equal to the Unicode values.
"""
import base64
import json
import re
import subprocess
import sys

PAINT = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s",
         "Do", "sh", "BI"}


def load(path):
    out = subprocess.run(["qpdf", "--json", "--json-key=qpdf", "--json-key=pages",
                          "--json-stream-data=inline", "--decode-level=generalized",
                          path], capture_output=True)
    if out.returncode not in (0, 3):  # 3: warnings (a damaged file qpdf repaired)
        sys.exit("check-tags: qpdf cannot read %s" % path)
    out = out.stdout
    doc = json.loads(out)
    objs = {k[4:]: v for k, v in doc["qpdf"][1].items() if k.startswith("obj:")}
    trailer = doc["qpdf"][1]["trailer"]["value"]
    return objs, trailer, [p["object"] for p in doc["pages"]]


def value(objs, ref):
    """The dictionary (or value) of "N 0 R", or ref itself when direct."""
    if isinstance(ref, str) and ref.endswith(" R") and ref in objs:
        o = objs[ref]
        return o["value"] if "value" in o else o["stream"]["dict"]
    return ref


def text(s):
    return s[2:] if isinstance(s, str) and s.startswith("u:") else s


# ---- the tree ----

def kids(objs, elem):
    k = elem.get("/K", [])
    return k if isinstance(k, list) else [k]


def node_lines(objs, ref, depth):
    e = value(objs, ref)
    role = e.get("/S", "?")[1:]
    line = role
    if "/Alt" in e:
        line += " alt=" + text(e["/Alt"])
    scope = value(objs, e.get("/A", {})).get("/Scope") if isinstance(value(objs, e.get("/A", {})), dict) else None
    if scope:
        line += " scope=" + scope[1:]
    out = []
    children = []
    for k in kids(objs, e):
        kv = value(objs, k)
        if isinstance(kv, dict) and kv.get("/Type") == "/OBJR":
            annot = value(objs, kv["/Obj"])
            line += " -> " + text(annot.get("/A", {}).get("/URI", "?"))
        elif isinstance(k, str) and k.endswith(" R") and "/S" in value(objs, k):
            children.append(k)
    out.append("  " * depth + line)
    sub = [node_lines(objs, c, depth + 1) for c in children]
    i = 0
    while i < len(sub):  # runs of equal subtrees once, with their count
        j = i
        while j + 1 < len(sub) and sub[j + 1] == sub[i]:
            j += 1
        block = list(sub[i])
        if j > i:
            block[0] += " (x%d)" % (j - i + 1)
        out.extend(block)
        i = j + 1
    return out


def tree(objs, trailer):
    cat = value(objs, trailer["/Root"])
    root = value(objs, cat["/StructTreeRoot"])
    lines = []
    for k in kids(objs, root):
        lines.extend(node_lines(objs, k, 0))
    return lines


# ---- content streams ----

TOKEN = re.compile(rb"""\s*(?:(%[^\r\n]*)|(<<|>>|\[|\])|(<[0-9A-Fa-f\s]*>)|(\((?:\\.|[^\\()])*\))|(/[^\s/<>\[\]()]*)|([^\s/<>\[\]()%]+))""")


def tokens(data):
    pos = 0
    while pos < len(data):
        m = TOKEN.match(data, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            continue
        yield m.group(0).strip()


def page_content(objs, page):
    p = value(objs, page)
    refs = p.get("/Contents", [])
    refs = refs if isinstance(refs, list) else [refs]
    return b"".join(base64.b64decode(objs[r]["stream"]["data"]) for r in refs)


def decode(hexstr):
    h = re.sub(rb"\s", b"", hexstr[1:-1])
    return "".join(chr(int(h[i:i + 4], 16)) for i in range(0, len(h), 4))


def walk(objs, page):
    """Yields (operator, operands, stack of open marked content) per
    operator; a stack entry is (tag, properties-dict-as-text)."""
    stack, operands = [], []
    for t in tokens(page_content(objs, page)):
        if t in (b"<<", b">>", b"[", b"]") or t[:1] in (b"/", b"(", b"<") or \
                re.fullmatch(rb"[-+.0-9]+", t):
            operands.append(t)
            continue
        op = t.decode()
        if op in ("BMC", "BDC"):
            tag = operands[0].decode()[1:]
            props = b" ".join(operands[1:]).decode()
            stack.append((tag, props))
        elif op == "EMC":
            if stack:
                stack.pop()
            else:
                yield "EMC-unbalanced", operands, stack
        yield op, operands, list(stack)
        operands = []


def check(objs, trailer, pages):
    results = []

    def ok(what, cond):
        results.append(("ok   " if cond else "FAIL ") + what)

    cat = value(objs, trailer["/Root"])
    ok("catalog /MarkInfo /Marked true", value(objs, cat.get("/MarkInfo", {})).get("/Marked") is True)
    ok("catalog /StructTreeRoot", "/StructTreeRoot" in cat)
    ok("catalog /Lang", "/Lang" in cat)
    root = value(objs, cat.get("/StructTreeRoot", {}))
    nums = value(objs, root.get("/ParentTree", {})).get("/Nums", [])
    parent_tree = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    outside, mismatched, unbalanced, no_tabs = [], [], [], []
    for n, page in enumerate(pages, 1):
        p = value(objs, page)
        if p.get("/Tabs") != "/S" or "/StructParents" not in p:
            no_tabs.append(n)
        mcids = value(objs, parent_tree.get(p.get("/StructParents"), []))
        for op, operands, stack in walk(objs, page):
            if op == "EMC-unbalanced":
                unbalanced.append(n)
            elif op in PAINT and not stack:
                outside.append("%d:%s" % (n, op))
            elif op == "BDC" and all(tag != "Artifact" for tag, _ in stack):
                # (inside an artifact, a sequence such as the watermark's
                # /Span with its /ActualText belongs to no element)
                m = re.search(r"/MCID (\d+)", stack[-1][1])
                elem = value(objs, mcids[int(m.group(1))]) if m and int(m.group(1)) < len(mcids) else {}
                if elem.get("/S", "")[1:] != stack[-1][0]:
                    mismatched.append("%d:%s" % (n, stack[-1][0]))
    ok("every page has /StructParents and /Tabs /S", not no_tabs)
    ok("no text or painting operator outside marked content" +
       (" (%s)" % " ".join(outside[:5]) if outside else ""), not outside)
    ok("marked content balanced", not unbalanced)
    ok("every MCID's parent tree element has the BDC's type" +
       (" (%s)" % " ".join(mismatched[:5]) if mismatched else ""), not mismatched)
    figures = [l for l in tree(objs, trailer) if l.strip().startswith("Figure")]
    ok("every Figure has /Alt", all(" alt=" in f for f in figures))
    annots = [value(objs, a) for pg in pages for a in value(objs, value(objs, pg).get("/Annots", []))]
    ok("every annotation has /StructParent and /Contents",
       all("/StructParent" in a and "/Contents" in a for a in annots))
    for r in results:
        print(r)
    return all(r.startswith("ok") for r in results)


def artifacts(objs, pages):
    for n, page in enumerate(pages, 1):
        runs = {}
        for op, operands, stack in walk(objs, page):
            outer = [props for tag, props in stack if tag == "Artifact"]
            if op == "Tj" and outer:
                m = re.findall(r"/(?:Type|Subtype) /(\w+)", outer[0])
                key = "/".join(m) if m else "Layout"
                runs.setdefault(key, []).append(decode(operands[-1]))
        for key, texts in runs.items():
            print("page %d [%s]: %s" % (n, key, " | ".join(texts)))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("tree", "check", "artifacts"):
        sys.stderr.write(__doc__)
        return 2
    objs, trailer, pages = load(sys.argv[2])
    if sys.argv[1] == "tree":
        print("\n".join(tree(objs, trailer)))
        return 0
    if sys.argv[1] == "artifacts":
        artifacts(objs, pages)
        return 0
    return 0 if check(objs, trailer, pages) else 1


if __name__ == "__main__":
    sys.exit(main())
