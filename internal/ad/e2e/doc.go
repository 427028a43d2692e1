// Package e2e holds the end-to-end tests of the AD audit chain against the
// project's real Samba AD domain controller (scripts/lab/samba-ad-dc.sh):
// seed known weaknesses over LDAP, collect with the read-only collector and
// the vigie command line, check the snapshot, remove the weaknesses.
package e2e
