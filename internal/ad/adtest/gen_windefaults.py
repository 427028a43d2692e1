#!/usr/bin/python3
# Regenerates windefaults.json, the default security descriptors the adtest
# fixtures are built from:
#   - "classes": every class of the Windows Server 2016 schema with its
#     schemaIDGUID, subClassOf and defaultSecurityDescriptor, read from the
#     Microsoft schema files Samba ships (samba-ad-provision package);
#   - "objects": the explicit (non-inherited) descriptors Samba writes at
#     provision time on the objects whose descriptor is not their class
#     default (naming-context heads, AdminSDHolder, System containers…),
#     which are the Windows defaults Samba copies.
# Domain-relative SIDs are written {D}-RID so the fixture can use any domain.
# Usage (Debian's python, which has the samba module):
#   /usr/bin/python3 internal/ad/adtest/gen_windefaults.py > internal/ad/adtest/windefaults.json
import base64, json, os, re, shutil, subprocess, sys, tempfile, uuid

LDF = "/usr/share/samba/setup/ad-schema/AD_DS_Classes__Windows_Server_2016.ldf"
ATTRS = "/usr/share/samba/setup/ad-schema/AD_DS_Attributes__Windows_Server_2016.ldf"


def ldf_entries(path):
    entry = {}
    lines = open(path, encoding="utf-8", errors="replace").read().replace("\n ", "").splitlines()
    for line in lines + [""]:
        if not line.strip():
            if entry:
                yield entry
            entry = {}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z-]+)(::?) ?(.*)$", line)
        if m and m.group(1) not in entry:
            entry[m.group(1)] = m.group(3).strip()


def attributes():
    # lDAPDisplayName -> [schemaIDGUID, attributeSecurityGUID (property set) or ""]
    out = {}
    for e in ldf_entries(ATTRS):
        if "lDAPDisplayName" not in e or "schemaIDGUID" not in e:
            continue
        ps = ""
        if "attributeSecurityGUID" in e:
            ps = str(uuid.UUID(bytes_le=base64.b64decode(e["attributeSecurityGUID"])))
        out[e["lDAPDisplayName"]] = [str(uuid.UUID(bytes_le=base64.b64decode(e["schemaIDGUID"]))), ps]
    return out


def classes():
    out = {}
    entry = {}
    lines = open(LDF, encoding="utf-8", errors="replace").read().replace("\n ", "").splitlines()
    for line in lines + [""]:
        if not line.strip():
            if "lDAPDisplayName" in entry:
                # Microsoft's files were generated on a test domain whose SID
                # leaks into a few defaults: make it domain-relative.
                sddl = re.sub(r"S-1-5-21-2063560558-3296776465-833389195-", "{D}-",
                              entry.get("defaultSecurityDescriptor", ""))
                out[entry["lDAPDisplayName"]] = {
                    "guid": str(uuid.UUID(bytes_le=base64.b64decode(entry["schemaIDGUID"]))),
                    "super": entry.get("subClassOf", ""),
                    "sddl": sddl,
                }
            entry = {}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z-]+)(::?) ?(.*)$", line)
        if m and m.group(1) not in entry:
            entry[m.group(1)] = m.group(3).strip()
    return out


def objects():
    from samba.samdb import SamDB
    from samba.auth import system_session
    from samba.param import LoadParm
    from samba.ndr import ndr_unpack
    from samba.dcerpc import security
    import ldb
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(["samba-tool", "domain", "provision", "--targetdir=" + tmp, "--realm=LAB.TEST", "--domain=LAB",
                        "--host-name=DC1", "--server-role=dc", "--adminpass=Passw0rd!Lab123",
                        "--dns-backend=SAMBA_INTERNAL", "--host-ip=127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lp = LoadParm()
        lp.load(os.path.join(tmp, "etc", "smb.conf"))
        db = SamDB(url=os.path.join(tmp, "private", "sam.ldb"), session_info=system_session(), lp=lp)
        dom = str(db.get_default_basedn())
        sid = str(db.get_domain_sid())
        schema = str(db.get_schema_basedn()).lower()
        out = {}
        for base in [dom, "DC=DomainDnsZones," + dom, "DC=ForestDnsZones," + dom, str(db.get_config_basedn()),
                     str(db.get_schema_basedn())]:
            res = db.search(base=base, scope=ldb.SCOPE_SUBTREE, attrs=["nTSecurityDescriptor", "objectClass"],
                            controls=["sd_flags:1:7", "search_options:1:2"])
            for msg in res:
                dn = str(msg.dn)
                low = dn.lower()
                if low.endswith("," + schema) or ",cn=displayspecifiers," in low and ",cn=409," not in low:
                    continue
                if ",cn=extended-rights," in low or "dnsnode" in [str(c).lower() for c in msg["objectClass"]]:
                    continue
                if not low.endswith(dom.lower()):
                    continue
                sd = ndr_unpack(security.descriptor, msg["nTSecurityDescriptor"][0])
                sddl = sd.as_sddl()
                # keep the explicit part only: drop inherited ACEs and the SACL
                dacl = sddl.split("S:")[0]
                head, _, aces = dacl.partition("D:")
                flags = re.match(r"^[A-Z]*", aces).group(0)
                explicit = [a for a in re.findall(r"\([^)]*\)", aces) if ";ID;" not in a and not re.match(r"^\([A-Z]+;[A-Z]*ID", a)]
                text = head + "D:" + flags + "".join(explicit)
                text = text.replace(sid + "-", "{D}-")
                key = dn[: len(dn) - len(dom)] + "{domain}"
                out[key] = text
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# Explicit descriptors that a Windows Server 2016+ domain has and Samba's
# provision does not reproduce (public, observed on real Windows domains):
# the domain root with the Key Admins / Enterprise Key Admins ACEs of
# adprep revision 16, AdminSDHolder, and OU=Domain Controllers.
WINDOWS_2016 = {
    "{domain}": "O:BAG:BAD:AI(A;;RP;;;WD)(A;;LCRPLORC;;;ED)(A;;LCRPLORC;;;AU)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)"
    "(A;CI;CCLCSWRPWPLOCRSDRCWDWO;;;BA)(A;;RPRC;;;RU)(A;CI;LC;;;RU)(A;;CCLCSWRPWPLOCRRCWDWO;;;DA)"
    "(A;CI;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;EA)"
    "(OA;CIIO;SW;9b026da6-0d3c-465c-8bee-5199d7165cba;bf967a86-0de6-11d0-a285-00aa003049e2;CO)"
    "(OA;;CR;1131f6ac-9c07-11d1-f79f-00c04fc2dcd2;;ED)(OA;;CR;1131f6ab-9c07-11d1-f79f-00c04fc2dcd2;;ED)"
    "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)(OA;;CR;89e95b76-444d-4c62-991a-0facbeda640c;;ED)"
    "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967aba-0de6-11d0-a285-00aa003049e2;ED)"
    "(OA;;CR;1131f6ae-9c07-11d1-f79f-00c04fc2dcd2;;ED)"
    "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967a9c-0de6-11d0-a285-00aa003049e2;ED)"
    "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967a86-0de6-11d0-a285-00aa003049e2;ED)"
    "(OA;CIIO;SW;9b026da6-0d3c-465c-8bee-5199d7165cba;bf967a86-0de6-11d0-a285-00aa003049e2;PS)"
    "(OA;CIIO;RPWPCR;91e647de-d96f-4b70-9557-d63ff4f3ccd8;;PS)"
    "(OA;CIIO;WP;ea1b7b93-5e48-46d5-bc6c-4df4fda78a35;bf967a86-0de6-11d0-a285-00aa003049e2;PS)"
    "(OA;OICI;RPWP;3f78c3e5-f79a-46bd-a0b8-9d18116ddc79;;PS)"
    "(OA;;CR;05c74c5e-4deb-43b4-bd9f-86664c2a7fd5;;AU)(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)"
    "(OA;;CR;280f369c-67c7-438e-ae98-1d46f3c6f541;;AU)(OA;;RP;b8119fd0-04f6-4762-ab7a-4986c76b3f9a;;AU)"
    "(OA;;CR;1131f6ae-9c07-11d1-f79f-00c04fc2dcd2;;BA)(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;BA)"
    "(OA;;CR;1131f6ac-9c07-11d1-f79f-00c04fc2dcd2;;BA)(OA;;CR;1131f6ab-9c07-11d1-f79f-00c04fc2dcd2;;BA)"
    "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;BA)(OA;;CR;89e95b76-444d-4c62-991a-0facbeda640c;;BA)"
    "(OA;CIIO;LCRPLORC;;bf967aba-0de6-11d0-a285-00aa003049e2;RU)(OA;CIIO;LCRPLORC;;bf967a9c-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;CIIO;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;CIIO;LCRPLORC;;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)(OA;;RP;b8119fd0-04f6-4762-ab7a-4986c76b3f9a;;RU)"
    "(OA;CIIO;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;CIIO;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;CIIO;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;c7407360-20bf-11d0-a768-00aa006e0529;;RU)"
    "(OA;CIIO;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;CIIO;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;CR;e2a36dc9-ae17-47c3-b58b-be34c55ba633;;S-1-5-32-557)(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;RO)"
    "(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;DD)(OA;;CR;3e0f7e18-2c7a-4c10-ba82-4d926db99a3e;;{D}-522)"
    "(OA;CI;RPWP;5b47d60f-6090-40b2-9f37-2a4de88f3063;;{D}-526)(OA;CI;RPWP;5b47d60f-6090-40b2-9f37-2a4de88f3063;;{R}-527)",
    "CN=AdminSDHolder,CN=System,{domain}": "O:DAG:DAD:PAI(A;;LCRPLORC;;;AU)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)"
    "(A;;CCDCLCSWRPWPLOCRSDRCWDWO;;;BA)(A;;CCDCLCSWRPWPLOCRRCWDWO;;;DA)(A;;CCDCLCSWRPWPLOCRRCWDWO;;;EA)"
    "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)(OA;CI;RPWPCR;91e647de-d96f-4b70-9557-d63ff4f3ccd8;;PS)"
    "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)"
    "(OA;;RP;037088f8-0ae1-11d2-b422-00a0c968f939;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;RP;037088f8-0ae1-11d2-b422-00a0c968f939;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;4c164200-20c0-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;LCRPLORC;;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)(OA;;LCRPLORC;;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
    "(OA;;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;RP;4c164200-20c0-11d0-a768-00aa006e0529;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)"
    "(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)"
    "(OA;;RPWP;6db69a1c-9422-11d1-aebd-0000f80367c1;;S-1-5-32-561)"
    "(OA;;RPWP;5805bc62-bdc9-4428-a5e2-856a0f4c185e;;S-1-5-32-561)"
    "(OA;;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;;CA)",
    "OU=Domain Controllers,{domain}": "O:DAG:DAD:AI(A;;LCRPLORC;;;ED)(A;;LCRPLORC;;;AU)"
    "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;CCLCSWRPWPLOCRRCWDWO;;;DA)",
}


def main():
    cl = classes()
    objs = objects()
    objs.update(WINDOWS_2016)
    # Objects whose explicit descriptor is exactly their class default add nothing.
    json.dump({"source": "Windows Server 2016 schema (Microsoft, via samba-ad-provision) and Samba "
               + "provision defaults", "classes": cl, "objects": objs, "attributes": attributes()},
              sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")


main()
