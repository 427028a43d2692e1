package model

// userAccountControl bits (MS-ADTS 2.2.16).
const (
	UACAccountDisable             uint32 = 0x2
	UACPasswdNotReqd              uint32 = 0x20
	UACEncryptedTextPwdAllowed    uint32 = 0x80
	UACInterdomainTrustAccount    uint32 = 0x800
	UACWorkstationTrustAccount    uint32 = 0x1000
	UACServerTrustAccount         uint32 = 0x2000
	UACDontExpirePassword         uint32 = 0x10000
	UACSmartcardRequired          uint32 = 0x40000
	UACTrustedForDelegation       uint32 = 0x80000
	UACNotDelegated               uint32 = 0x100000
	UACUseDESKeyOnly              uint32 = 0x200000
	UACDontReqPreauth             uint32 = 0x400000
	UACTrustedToAuthForDelegation uint32 = 0x1000000
	UACPartialSecretsAccount      uint32 = 0x4000000
)

// trustAttributes and trustDirection values.
const (
	TrustDirectionInbound     = 1
	TrustDirectionOutbound    = 2
	TrustNonTransitive        = 0x1
	TrustQuarantinedDomain    = 0x4
	TrustForestTransitive     = 0x8
	TrustWithinForest         = 0x20
	TrustTreatAsExternal      = 0x40
	TrustCrossOrgNoTGTDel     = 0x200
	TrustCrossOrgEnableTGTDel = 0x800
)

// msDS-SupportedEncryptionTypes bits.
const (
	EncDESCRC = 0x1
	EncDESMD5 = 0x2
	EncRC4    = 0x4
	EncAES128 = 0x8
	EncAES256 = 0x10
)
