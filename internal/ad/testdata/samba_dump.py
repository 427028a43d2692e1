#!/usr/bin/python3
# Dumps a provisioned (offline) Samba sam.ldb into a vigie AD snapshot
# (gzip JSON lines), with raw binary security descriptors. Test helper for
# TestSambaProvisionedDirectory; run with Debian's /usr/bin/python3.
# Usage: samba_dump.py SAM_LDB OUT_SNAPSHOT FOREST
import base64, gzip, json, sys, datetime
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
import ldb

BINARY = {"objectsid", "objectguid", "sidhistory", "ntsecuritydescriptor",
          "msds-allowedtoactonbehalfofotheridentity", "msds-groupmsamembership", "securityidentifier",
          "schemaidguid", "attributesecurityguid", "usercertificate", "cacertificate", "logonhours",
          "pkiexpirationperiod", "pkioverlapperiod", "pkikeyusage", "msds-trustforesttrustinfo", "dnsrecord",
          "msds-managedpasswordid", "msds-managedpasswordpreviousid", "replpropertymetadata", "mskds-rootkeydata",
          "mskds-kdfparam", "msds-generationid", "auditingpolicy", "dsasignature", "thumbnailphoto", "jpegphoto",
          "dnsproperty", "supplementalcredentials", "unicodepwd", "ntpwdhistory", "lmpwdhistory", "dbcspwd",
          "currentvalue", "priorvalue", "initialauthincoming", "initialauthoutgoing",
          "trustauthincoming", "trustauthoutgoing", "repluptodatevector", "repsfrom", "repsto"}
SECRET = {"unicodepwd", "ntpwdhistory", "lmpwdhistory", "dbcspwd", "supplementalcredentials", "currentvalue",
          "priorvalue", "initialauthincoming", "initialauthoutgoing", "trustauthincoming", "trustauthoutgoing"}

lp = LoadParm()
db = SamDB(url=sys.argv[1], session_info=system_session(), lp=lp)
base = str(db.get_default_basedn())
config = str(db.get_config_basedn())
schema = str(db.get_schema_basedn())
ncs = [{"dn": base, "kind": "domain", "domain": sys.argv[3]}, {"dn": config, "kind": "configuration"},
       {"dn": schema, "kind": "schema"}]
for name, kind in (("DomainDnsZones", "dns-domain"), ("ForestDnsZones", "dns-forest")):
    dn = "DC=%s,%s" % (name, base)
    try:
        db.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["dn"])
        ncs.append({"dn": dn, "kind": kind})
    except ldb.LdbError:
        pass
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
# "*" returns every stored attribute: the collected list is the schema's,
# constructed attributes (systemFlags & 4) excepted.
attrs = sorted({str(m["lDAPDisplayName"][0]).lower() for m in db.search(
    base=schema, scope=ldb.SCOPE_ONELEVEL, expression="(objectClass=attributeSchema)", attrs=["lDAPDisplayName", "systemFlags"])
    if not int(str(m["systemFlags"][0]) if "systemFlags" in m else 0) & 4})
out = gzip.open(sys.argv[2], "wt", encoding="utf-8")
out.write(json.dumps({"h": {"format": "vigie-ad-snapshot/1", "forest": sys.argv[3], "source": "ldap",
                             "collected_at": now, "naming_contexts": ncs, "attributes": attrs}}) + "\n")
# The root DSE as the Administrator would see it: its token's groups.
admin = db.search(base=base, scope=ldb.SCOPE_SUBTREE, expression="(objectSid=%s-500)" % db.get_domain_sid(), attrs=["dn"])[0].dn
tokens = db.search(base=admin, scope=ldb.SCOPE_BASE, attrs=["tokenGroups"])[0]["tokenGroups"]
out.write(json.dumps({"o": {"dn": "RootDSE", "a": {"defaultnamingcontext": [base]},
                            "b": {"tokengroups": [base64.b64encode(bytes(t)).decode() for t in tokens]}}}) + "\n")
count = 1
for nc in ncs:
    res = db.search(base=nc["dn"], scope=ldb.SCOPE_SUBTREE, attrs=["*", "nTSecurityDescriptor"],
                    controls=["sd_flags:1:7", "search_options:1:2"] if nc["kind"] == "domain" else ["sd_flags:1:7"])
    for msg in res:
        dn = str(msg.dn)
        # the domain subtree search also returns child partitions (phantom roots)
        if nc["kind"] == "domain" and any(dn.lower().endswith(o["dn"].lower()) for o in ncs if o is not nc):
            continue
        a, b = {}, {}
        for attr in msg.keys():
            if attr.lower() == "dn":
                continue
            name = attr.lower()
            if name in SECRET:
                continue
            vals = [bytes(v) for v in msg[attr]]
            if name in BINARY:
                b[name] = [base64.b64encode(v).decode() for v in vals]
            else:
                a[name] = [v.decode("utf-8", "replace") for v in vals]
        rec = {"dn": dn}
        if a:
            rec["a"] = a
        if b:
            rec["b"] = b
        out.write(json.dumps({"o": rec}, ensure_ascii=False) + "\n")
        count += 1
out.write(json.dumps({"t": {"objects": count, "gaps": 0}}) + "\n")
out.close()
print(count)
