package ldapcollect

import "strings"

// Attributes lists what the collector requests on every object of every
// naming context: the union of what the ANSSI control points read on users,
// computers, groups, domain heads, trusts, GPOs, OUs, schema and
// configuration objects, PKI objects, password settings and DNS zones. The
// server returns only the attributes an object has. When in doubt an
// attribute is included: a missing one would silently turn a check into
// "not evaluated".
var Attributes = []string{
	// identity and placement
	"objectClass", "objectCategory", "cn", "name", "distinguishedName", "objectGUID", "objectSid",
	"sAMAccountName", "sAMAccountType", "userPrincipalName", "displayName", "description",
	"whenCreated", "whenChanged", "uSNCreated", "uSNChanged", "isDeleted", "isRecycled",
	"isCriticalSystemObject", "systemFlags", "showInAdvancedViewOnly", "instanceType",
	"nTSecurityDescriptor", "managedBy", "mail", "info", "comment", "title", "department",
	// accounts
	"userAccountControl", "msDS-User-Account-Control-Computed", "pwdLastSet", "lastLogon",
	"lastLogonTimestamp", "logonCount", "badPwdCount", "badPasswordTime", "accountExpires", "lockoutTime",
	"primaryGroupID", "adminCount", "servicePrincipalName", "sIDHistory", "memberOf",
	"msDS-AllowedToDelegateTo", "msDS-AllowedToActOnBehalfOfOtherIdentity",
	"msDS-SupportedEncryptionTypes", "msDS-KeyCredentialLink", "msDS-HostServiceAccount",
	"msDS-GroupMSAMembership", "msDS-ManagedPasswordInterval", "msDS-ResultantPSO",
	"msDS-PSOApplied", "msDS-AuthenticatedAtDC", "msDS-NeverRevealGroup", "msDS-RevealOnDemandGroup",
	"msDS-RevealedUsers", "msDS-KrbTgtLink", "msDS-isRODC", "msDS-isGC", "userWorkstations",
	"unixUserPassword", "userPassword", "unicodePwd", "msSFU30Password", "os400Password",
	"scriptPath", "homeDirectory", "profilePath", "altSecurityIdentities", "userCertificate",
	"msDS-SupportedEncryptionTypes", "mS-DS-CreatorSID", "msDS-LastSuccessfulInteractiveLogonTime",
	"msDS-ManagedBy", "msLAPS-PasswordExpirationTime", "ms-Mcs-AdmPwdExpirationTime",
	"msLAPS-EncryptedPassword", "msDS-parentdistname", "msDS-SecondaryKrbTgtNumber",
	"msDS-AssignedAuthNPolicySilo", "msDS-AssignedAuthNPolicy", "msDS-AuthNPolicySiloEnforced",
	"msDS-AuthNPolicySiloMembers", "msDS-AuthNPolicyEnforced", "msDS-UserAuthNPolicy",
	"msDS-ComputerAuthNPolicy", "msDS-ServiceAuthNPolicy",
	// computers
	"operatingSystem", "operatingSystemVersion", "operatingSystemServicePack", "dNSHostName",
	"serverReferenceBL", "rIDSetReferences", "msDS-ComputerSID",
	// groups
	"member", "groupType",
	// domain heads and policies
	"ms-DS-MachineAccountQuota", "msDS-Behavior-Version", "fSMORoleOwner", "gPLink", "gPOptions",
	"minPwdLength", "minPwdAge", "maxPwdAge", "pwdHistoryLength", "pwdProperties",
	"lockoutThreshold", "lockoutDuration", "lockOutObservationWindow", "forceLogoff",
	"msDS-LogonTimeSyncInterval", "msDS-ExpirePasswordsOnSmartCardOnlyAccounts", "nTMixedDomain",
	"dSHeuristics", "tombstoneLifetime", "msDS-DeletedObjectLifetime", "msDS-Other-Settings",
	"wellKnownObjects", "otherWellKnownObjects", "subRefs", "masteredBy", "msDS-hasMasterNCs",
	"hasMasterNCs", "msDS-EnabledFeature", "msDS-OptionalFeatureFlags", "msDS-RequiredForestBehaviorVersion",
	"msDS-RequiredDomainBehaviorVersion", "msDS-OptionalFeatureGUID",
	// adprep revisions (CN=ActiveDirectoryUpdate in DomainUpdates / ForestUpdates), DFSR migration
	"revision", "msDFSR-Flags", "msDFSR-Options",
	// password settings objects
	"msDS-PasswordSettingsPrecedence", "msDS-PasswordReversibleEncryptionEnabled",
	"msDS-PasswordHistoryLength", "msDS-PasswordComplexityEnabled", "msDS-MinimumPasswordLength",
	"msDS-MinimumPasswordAge", "msDS-MaximumPasswordAge", "msDS-LockoutThreshold",
	"msDS-LockoutObservationWindow", "msDS-LockoutDuration", "msDS-PSOAppliesTo",
	// trusts and partitions
	"trustPartner", "trustDirection", "trustType", "trustAttributes", "flatName", "securityIdentifier",
	"trustPosixOffset", "msDS-TrustForestTrustInfo", "msDS-SupportedEncryptionTypes",
	"nCName", "dnsRoot", "nETBIOSName", "msDS-NC-Replica-Locations", "trustParent", "rootDomainNamingContext",
	// GPOs and OUs
	"gPCFileSysPath", "gPCMachineExtensionNames", "gPCUserExtensionNames", "gPCFunctionalityVersion",
	"versionNumber", "flags", "gPCWQLFilter", "msWMI-Name", "msWMI-Parm2", "ou",
	// schema and extended rights
	"lDAPDisplayName", "schemaIDGUID", "attributeSecurityGUID", "rightsGuid", "appliesTo",
	"validAccesses", "searchFlags", "attributeID", "attributeSyntax", "isMemberOfPartialAttributeSet",
	"defaultSecurityDescriptor", "governsID", "subClassOf", "systemOnly", "schemaFlagsEx", "linkID",
	"objectVersion", "schemaInfo",
	// configuration: sites, servers, DSAs, services
	"serverReference", "options", "invocationId", "msDS-HasDomainNCs", "msDS-hasFullReplicaNCs",
	"siteObject", "siteList", "cost", "replInterval", "location", "siteObjectBL", "fromServer",
	"enabledConnection", "serviceBindingInformation", "keywords", "serviceDNSName", "serviceClassName",
	"msDS-SPNSuffixes", "uPNSuffixes", "msDS-Other-Settings",
	// display specifiers: commands and COM extensions run by the consoles
	"adminContextMenu", "shellContextMenu", "contextMenu", "adminPropertyPages", "shellPropertyPages",
	"adminMultiselectPropertyPages", "createWizardExt", "creationWizard",
	// PKI
	"cACertificate", "certificateTemplates", "dNSHostName", "pKIExtendedKeyUsage",
	"msPKI-Certificate-Name-Flag", "msPKI-Enrollment-Flag", "msPKI-Private-Key-Flag",
	"msPKI-RA-Signature", "msPKI-Certificate-Application-Policy", "msPKI-RA-Application-Policies",
	"msPKI-Template-Schema-Version", "msPKI-Minimal-Key-Size", "msPKI-Cert-Template-OID",
	"pKIExpirationPeriod", "pKIOverlapPeriod", "pKIKeyUsage", "pKIDefaultKeySpec", "pKICriticalExtensions",
	"certificateAuthorityObject",
	// gMSA / KDS, LAPS schema, DNS
	"msKds-CreateTime", "msKds-UseStartTime", "msKds-Version", "msKds-DomainID",
	"dnsRecord", "dNSProperty", "dNSTombstoned", "dc",
	// Exchange (present only when Exchange extended the schema)
	"msExchVersion", "msExchRecipientTypeDetails",
}

// requestAttributes returns Attributes without duplicates, in order.
func requestAttributes() []string {
	seen := make(map[string]bool, len(Attributes))
	out := make([]string, 0, len(Attributes))
	for _, a := range Attributes {
		k := strings.ToLower(a)
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// CollectedAttributes is the lower-case list written in the snapshot
// header: what every search and the root DSE read asked for, so that an
// attribute no object carries reads as "never set", not as "not
// collected".
func CollectedAttributes() []string {
	attrs := append(requestAttributes(), rootDSEAttributes...)
	out := make([]string, 0, len(attrs))
	seen := map[string]bool{}
	for _, a := range attrs {
		if l := strings.ToLower(a); !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
