package secdesc

// Access mask bits relevant to Active Directory objects (MS-ADTS 5.1.3.2).
const (
	RightCreateChild   uint32 = 0x00000001
	RightDeleteChild   uint32 = 0x00000002
	RightListChildren  uint32 = 0x00000004
	RightSelf          uint32 = 0x00000008 // validated write
	RightReadProperty  uint32 = 0x00000010
	RightWriteProperty uint32 = 0x00000020
	RightDeleteTree    uint32 = 0x00000040
	RightListObject    uint32 = 0x00000080
	RightControlAccess uint32 = 0x00000100 // extended right
	RightDelete        uint32 = 0x00010000
	RightReadControl   uint32 = 0x00020000
	RightWriteDACL     uint32 = 0x00040000
	RightWriteOwner    uint32 = 0x00080000
	RightGenericAll    uint32 = 0x10000000
	RightGenericExec   uint32 = 0x20000000
	RightGenericWrite  uint32 = 0x40000000
	RightGenericRead   uint32 = 0x80000000
	// RightFullControl is the expanded form of GenericAll on a DS object.
	RightFullControl uint32 = 0x000F01FF
)

// Well-known GUIDs of extended rights, validated writes, property sets and
// attributes used by the control-path analysis (MS-ADTS 5.1.3.2.1, schema).
var (
	GUIDUserForceChangePassword = MustGUID("00299570-246d-11d0-a768-00aa006e0529")
	GUIDGetChanges              = MustGUID("1131f6aa-9c07-11d1-f79f-00c04fc2dcd2")
	GUIDGetChangesAll           = MustGUID("1131f6ad-9c07-11d1-f79f-00c04fc2dcd2")
	GUIDGetChangesInFilteredSet = MustGUID("89e95b76-444d-4c62-991a-0facbeda640c")
	GUIDCertificateEnrollment   = MustGUID("0e10c968-78fb-11d2-90d4-00c04f79dc55")
	GUIDCertificateAutoEnroll   = MustGUID("a05b8cc2-17bc-4802-a710-e7c15ab866a2")
	GUIDSendTo                  = MustGUID("ab721a55-1e2f-11d0-9819-00aa0040529b")
	GUIDMember                  = MustGUID("bf9679c0-0de6-11d0-a285-00aa003049e2")
	GUIDMembershipPropertySet   = MustGUID("bc0ac240-79a9-11d0-9020-00c04fc2d4cf")
	// GUIDPublicInformation is the Public-Information property set, which
	// holds servicePrincipalName and altSecurityIdentities.
	GUIDPublicInformation       = MustGUID("e48d0154-bcf8-11d1-8702-00c04fb96050")
	GUIDServicePrincipalName    = MustGUID("f3a64788-5306-11d1-a9c5-0000f80367c1")
	GUIDGPLink                  = MustGUID("f30e3bbe-9ff0-11d1-b603-0000f80367c1")
	GUIDGPCFileSysPath          = MustGUID("f30e3bc1-9ff0-11d0-a285-00aa003049e2")
	GUIDKeyCredentialLink       = MustGUID("5b47d60f-6090-40b2-9f37-2a4de88f3063")
	GUIDAllowedToActOnBehalf    = MustGUID("3f78c3e5-f79a-46bd-a0b8-9d18116ddc79")
	GUIDAllowedToDelegateTo     = MustGUID("800d94d7-b7a1-42a1-b14d-7cae1423d07f")
	GUIDScriptPath              = MustGUID("bf9679a8-0de6-11d0-a285-00aa003049e2")
	GUIDUserAccountControl      = MustGUID("bf967a68-0de6-11d0-a285-00aa003049e2")
	GUIDAltSecurityIdentities   = MustGUID("00fbf30c-91fe-11d1-aebc-0000f80367c1")
	GUIDManagedBy               = MustGUID("0296c120-40da-11d1-a9c0-0000f80367c1")
	GUIDDefaultSecurityDesc     = MustGUID("807a6d30-1669-11d0-a064-00aa006c33ed")
	GUIDSIDHistory              = MustGUID("17eb4278-d167-11d0-b002-0000f80367c1")
	GUIDUserPassword            = MustGUID("bf967a6e-0de6-11d0-a285-00aa003049e2") // unicodePwd-like write targets
	GUIDPKINameFlag             = MustGUID("ea1dddc4-60ff-416e-8cc0-17cee534bce7")
	GUIDPKIEnrollmentFlag       = MustGUID("d15ef7d8-f226-46db-ae79-b34e560bd12c")
	GUIDPKIExtendedKeyUsage     = MustGUID("18976af6-3b9e-11d2-90cc-00c04fd91ab1")
	GUIDPKIRASignature          = MustGUID("fe17e04b-937d-4f7e-8e0e-9292c8d5683e")
	GUIDPKICertificateAppPolicy = MustGUID("dbd90548-aa37-4202-9966-8c537ba5ce32")
	GUIDCACertificate           = MustGUID("bf967932-0de6-11d0-a285-00aa003049e2")
	GUIDCertificateTemplates    = MustGUID("2a39c5b1-8960-11d1-aebc-0000f80367c1")
)
