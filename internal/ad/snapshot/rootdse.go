package snapshot

// RootDSEDN is the DN under which collectors store the directory server's
// root DSE (naming contexts, functional levels, DNS host name): the real
// root DSE has an empty DN, which the snapshot format does not allow.
const RootDSEDN = "RootDSE"
