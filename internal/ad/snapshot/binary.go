package snapshot

import "strings"

// binaryAttributes lists the attributes whose LDAP syntax is an octet string
// that is not text. The collector stores them in Object.Bin.
var binaryAttributes = map[string]bool{
	"objectsid":            true,
	"objectguid":           true,
	"sidhistory":           true,
	"ntsecuritydescriptor": true,
	"msds-allowedtoactonbehalfofotheridentity": true,
	"msds-groupmsamembership":                  true,
	"securityidentifier":                       true,
	"schemaidguid":                             true,
	"attributesecurityguid":                    true,
	"rightsguid":                               false, // rightsGuid is a string GUID in AD
	"usercertificate":                          true,
	"cacertificate":                            true,
	"msds-keycredentiallink":                   false, // DN-binary syntax: text
	"logonhours":                               true,
	"pkiexpirationperiod":                      true,
	"pkioverlapperiod":                         true,
	"pkikeyusage":                              true,
	"msds-trustforesttrustinfo":                true,
	"dnsrecord":                                true,
	"dnsproperty":                              true, // DNS_RPC_PROPERTY structures (MS-DNSP 2.3.2.1)
	"tokengroups":                              true, // SIDs of the bound account (root DSE)
	"msds-managedpasswordid":                   true,
	"msds-managedpasswordpreviousid":           true,
	"msds-revealedusers":                       false,
	"replpropertymetadata":                     true,
	"mskds-rootkeydata":                        true,
	"mskds-kdfparam":                           true,
	"msds-generationid":                        true,
	"auditingpolicy":                           true,
	"dsasignature":                             true,
	"msmqdigests":                              true,
	"msmqsigncertificates":                     true,
	"thumbnailphoto":                           true,
	"jpegphoto":                                true,
	"terminalserver":                           true,
	"msds-cached-membership":                   true,
	"msexchmailboxsecuritydescriptor":          true,
	"msexchmailboxguid":                        true,
}

// IsBinary reports whether the attribute (any case, with or without a
// ";range=" or ";binary" option) holds binary values.
func IsBinary(name string) bool {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	return binaryAttributes[name]
}
