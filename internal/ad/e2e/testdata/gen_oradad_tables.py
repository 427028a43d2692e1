#!/usr/bin/env python3
# Regenerates oradad_tables.json: the tables ORADAD writes at its default
# collection level (4) — for each request, the naming contexts it reads,
# its LDAP filter and its columns with their ORADAD types — read from
# ORADAD's oradad-schema.xml (https://github.com/ANSSI-FR/ORADAD). The
# end-to-end tests use it to write, from a real collection, an extraction
# shaped exactly like ORADAD's, and feed it to the ORADAD reader.
# Usage: gen_oradad_tables.py oradad-schema.xml > oradad_tables.json
import json, sys
import xml.etree.ElementTree as ET

LEVEL = 4
root = ET.parse(sys.argv[1]).getroot()
attrs = {}
for a in root.find("attributes"):
    attrs[a.get("name").lower()] = a
classes = {}
for c in root.find("classes"):
    classes[c.get("name").lower()] = c


def wanted(a):
    # config-oradad.xml defaults: level 4, confidential 0 — a confidential
    # attribute is read only when it has a size limit.
    if int(a.get("level")) > LEVEL:
        return False
    return "confidential" not in (a.get("flags") or "") or a.get("limit") is not None


def column(a):
    return [a.get("name"), a.get("type"), a.get("filter") or "", int(a.get("limit") or 0)]


def columns_of(class_names):
    seen, out = set(), []
    todo = list(class_names)
    while todo:
        name = todo.pop(0)
        c = classes.get(name.lower())
        if c is None:
            continue
        for aux in ("auxiliaryClass", "systemAuxiliaryClass"):
            if c.get(aux):
                todo.extend(c.get(aux).split(","))
        for a in c.findall("attribute"):
            n = a.get("name")
            d = attrs.get(n.lower())
            if d is None or not wanted(d) or n.lower() in seen:
                continue
            seen.add(n.lower())
            out.append(column(d))
    return out


tables = []
for r in root.find("requests"):
    name = r.findtext("name")
    if name == "rootDSE":
        cols = [column(a) for a in root.find("rootDSEAttributes") if wanted(a)]
        tables.append({"name": name, "base": ["rootDSE"], "scope": "base", "filter": "(objectClass=*)", "controls": [],
                       "columns": cols})
        continue
    if name.lower().startswith(("msexch", "exchange")) or name in ("userProxy",):
        continue
    ctrls = [c.get("oid") + ("=" + c.get("value") if c.get("value") else "") for c in r.iter("control")]
    tables.append({"name": name, "base": r.findtext("base").split(","), "scope": r.findtext("scope") or "subtree",
                   "filter": r.findtext("filter") or "", "controls": ctrls,
                   "columns": columns_of(r.findtext("classes").split(","))})
json.dump({"source": "ORADAD oradad-schema.xml, level %d" % LEVEL, "tables": tables}, sys.stdout, indent=1)
sys.stdout.write("\n")
