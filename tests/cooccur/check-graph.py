#!/usr/bin/env python3
"""check-graph.py - the GraphML and GEXF exports of 'sanctag cooccur' parse as
XML, follow their formats, and hold exactly the pairs of the CSV output
(nodes = pair endpoints with name, type and counts; edges weighted by count,
with npmi), statically and, for GEXF, per period on a timeline. When networkx
is importable, it must read both files too.

Usage: check-graph.py SANCTAG FIXTURE.tsv FEED.jsonl
Exit status: 0 pass, 1 fail, 99 harness error.
"""
import calendar
import csv
import io
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg, file=sys.stderr)


def run(args):
    p = subprocess.run(args, capture_output=True)
    if p.returncode not in (0, 1):
        sys.exit(f"check-graph.py: {' '.join(args)}: status {p.returncode}: "
                 f"{p.stderr.decode(errors='replace')}")
    return p.stdout


def csv_rows(sanctag, base, extra):
    out = run([sanctag, "cooccur", "-q"] + base + extra)
    return list(csv.DictReader(io.StringIO(out.decode())))


def check_graphml(path, rows):
    root = ET.parse(path).getroot()
    if root.tag != GML + "graphml":
        return fail(f"{path}: root is {root.tag}")
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type"))
            for k in root.findall(GML + "key")}
    if keys.get("weight") != ("edge", "weight", "double"):
        fail(f"{path}: no edge weight key: {keys}")
    g = root.find(GML + "graph")
    if g is None or g.get("edgedefault") != "undirected":
        return fail(f"{path}: no undirected graph")
    nodes = {}
    for n in g.findall(GML + "node"):
        nodes[n.get("id")] = {keys[d.get("key")][1]: d.text for d in n.findall(GML + "data")}
    edges = {}
    for e in g.findall(GML + "edge"):
        edges[(e.get("source"), e.get("target"))] = \
            {keys[d.get("key")][1]: d.text for d in e.findall(GML + "data")}
    want_nodes = {r["a"] for r in rows} | {r["b"] for r in rows}
    if set(nodes) != want_nodes:
        fail(f"{path}: nodes {sorted(nodes)} != pair endpoints {sorted(want_nodes)}")
    if len(edges) != len(rows):
        fail(f"{path}: {len(edges)} edges for {len(rows)} pairs")
    for r in rows:
        e = edges.get((r["a"], r["b"]))
        if e is None:
            fail(f"{path}: no edge {r['a']} -- {r['b']}")
            continue
        if int(e["weight"]) != int(r["count"]) or e["npmi"] != r["npmi"] or \
                e["documents"] != r["documents"] or e.get("first_seen", "") != r["first_seen"]:
            fail(f"{path}: edge {r['a']} -- {r['b']}: {e} vs {r}")
        for side in "ab":
            n = nodes.get(r[side], {})
            if n.get("label") != r[side + "_name"] or n.get("type") != r[side + "_label"] or \
                    (n.get("country") or "") != r[side + "_country"]:
                fail(f"{path}: node {r[side]}: {n} vs {r}")
    return nodes, edges


def period_span(p):
    if len(p) == 7:
        y, m = map(int, p.split("-"))
        return f"{p}-01", f"{p}-{calendar.monthrange(y, m)[1]:02d}"
    return p, p


def check_gexf(path, rows, dynamic):
    root = ET.parse(path).getroot()
    if root.tag != GEXF + "gexf" or root.get("version") != "1.3":
        return fail(f"{path}: not GEXF 1.3: {root.tag} {root.attrib}")
    g = root.find(GEXF + "graph")
    if g.get("mode") != ("dynamic" if dynamic else "static") or \
            g.get("defaultedgetype") != "undirected":
        fail(f"{path}: graph attributes {g.attrib}")
    if dynamic and g.get("timeformat") != "date":
        fail(f"{path}: timeformat {g.get('timeformat')}")
    declared = {a.get("id") for at in g.findall(GEXF + "attributes")
                for a in at.findall(GEXF + "attribute")}
    nodes = {n.get("id"): n for n in g.find(GEXF + "nodes").findall(GEXF + "node")}
    edges = {(e.get("source"), e.get("target")): e
             for e in g.find(GEXF + "edges").findall(GEXF + "edge")}
    for el in list(nodes.values()) + list(edges.values()):
        for av in el.iter(GEXF + "attvalue"):
            if av.get("for") not in declared and av.get("for") != "weight":
                fail(f"{path}: attvalue for undeclared '{av.get('for')}'")
    rows = [r for r in rows if r["period"] != "unknown"]
    want_nodes = {r["a"] for r in rows} | {r["b"] for r in rows}
    if set(nodes) != want_nodes:
        fail(f"{path}: nodes differ from the pair endpoints")
    if len(edges) != len({(r["a"], r["b"]) for r in rows}):
        fail(f"{path}: {len(edges)} edges")
    for r in rows:
        e = edges.get((r["a"], r["b"]))
        if e is None:
            fail(f"{path}: no edge {r['a']} -- {r['b']}")
            continue
        if nodes[r["a"]].get("label") != r["a_name"]:
            fail(f"{path}: node label {nodes[r['a']].get('label')} != {r['a_name']}")
        if not dynamic:
            if e.get("weight") != r["count"]:
                fail(f"{path}: edge {r['a']} -- {r['b']} weight {e.get('weight')} != {r['count']}")
            continue
        start, end = period_span(r["period"])
        got = {av.get("for"): av.get("value") for av in e.iter(GEXF + "attvalue")
               if av.get("start") == start and av.get("end") == end}
        if got.get("weight") != r["count"] or got.get("npmi") != r["npmi"]:
            fail(f"{path}: edge {r['a']} -- {r['b']} in {r['period']}: {got} vs {r}")
        spells = {(s.get("start"), s.get("end")) for s in e.iter(GEXF + "spell")}
        if (start, end) not in spells:
            fail(f"{path}: edge {r['a']} -- {r['b']}: no spell for {r['period']}")


def main():
    if len(sys.argv) != 4:
        sys.exit(99)
    sanctag, fixture, feed = sys.argv[1:]
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
        sanctag = os.environ["SANCTAG_WRAPPER"]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "fx.db")
        run([sanctag, "gaz", "build", db, fixture])
        base = ["--tag", "--db", db, feed]
        rows = csv_rows(sanctag, base, [])
        rows2 = csv_rows(sanctag, base, ["--min-count", "2"])
        monthly = csv_rows(sanctag, base, ["--period", "month"])
        gml, gml2 = os.path.join(tmp, "g.graphml"), os.path.join(tmp, "g2.graphml")
        gx, gxd = os.path.join(tmp, "g.gexf"), os.path.join(tmp, "gd.gexf")
        run([sanctag, "cooccur", "-q"] + base + ["-o", gml])
        run([sanctag, "cooccur", "-q", "--min-count", "2"] + base + ["-o", gml2])
        run([sanctag, "cooccur", "-q"] + base + ["-o", gx])
        run([sanctag, "cooccur", "-q", "--period", "month"] + base + ["-o", gxd])
        check_graphml(gml, rows)
        check_graphml(gml2, rows2)
        check_gexf(gx, rows, False)
        check_gexf(gxd, monthly, True)
        try:
            import networkx as nx
        except ImportError:
            print("check-graph.py: networkx not importable: networkx read skipped", file=sys.stderr)
        else:
            G = nx.read_graphml(gml)
            if G.number_of_edges() != len(rows) or G.is_directed():
                fail(f"networkx GraphML: {G.number_of_edges()} edges, directed {G.is_directed()}")
            kp_us = G.get_edge_data("country:KP", "country:US")
            if not kp_us or kp_us.get("weight") != 3.0:
                fail(f"networkx GraphML: country:KP -- country:US = {kp_us}")
            G = nx.read_gexf(gx)
            if G.number_of_edges() != len(rows):
                fail(f"networkx GEXF: {G.number_of_edges()} edges")
            G = nx.read_gexf(gxd)
            if G.graph.get("mode") != "dynamic":
                fail("networkx GEXF: not dynamic")
            print("check-graph.py: networkx reads both formats", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
