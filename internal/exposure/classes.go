package exposure

// Exposure classes emitted by the probes in Observation.Class. The severity
// policy (package policy) maps each class to a severity, a French title and a
// remediation; these names are the contract between probes and policy.
const (
	// ClassRDPExposed: an RDP server answered an X.224 connection request.
	ClassRDPExposed = "rdp-exposed"
	// ClassRDPNoNLA: the RDP server accepts legacy security without NLA (CredSSP).
	ClassRDPNoNLA = "rdp-no-nla"
	// ClassSMBExposed: an SMB server answered a negotiate request.
	ClassSMBExposed = "smb-exposed"
	// ClassSMBv1: the SMB server accepted the SMBv1 (NT LM 0.12) dialect.
	ClassSMBv1 = "smb-v1"
	// ClassTelnetExposed: a Telnet server answered (IAC negotiation or login prompt).
	ClassTelnetExposed = "telnet-exposed"
	// ClassVNCExposed: a VNC server answered with an RFB version.
	ClassVNCExposed = "vnc-exposed"
	// ClassVNCNoAuth: the VNC server offers the security type None.
	ClassVNCNoAuth = "vnc-noauth"
	// ClassSSHExposed: an SSH server answered with its identification banner.
	ClassSSHExposed = "ssh-exposed"
	// ClassSSHOutdated: the SSH banner announces an outdated implementation or protocol 1.
	ClassSSHOutdated = "ssh-outdated"
	// ClassFTPCleartext: an FTP server answered without TLS (credentials in clear).
	ClassFTPCleartext = "ftp-cleartext"
	// ClassFTPAnonymous: the FTP server accepted an anonymous login.
	ClassFTPAnonymous = "ftp-anonymous"
	// ClassSMTPOpen: an SMTP server answered with its greeting.
	ClassSMTPOpen = "smtp-open"
	// ClassSMTPNoSTARTTLS: the SMTP server does not offer STARTTLS.
	ClassSMTPNoSTARTTLS = "smtp-no-starttls"
	// ClassRedisNoAuth: a Redis server answered PING/INFO without authentication.
	ClassRedisNoAuth = "redis-noauth"
	// ClassRedisExposed: a Redis server answered but requires authentication.
	ClassRedisExposed = "redis-exposed"
	// ClassMongoExposed: a MongoDB server answered hello/isMaster.
	ClassMongoExposed = "mongodb-exposed"
	// ClassMongoNoAuth: a MongoDB server listed its databases without authentication.
	ClassMongoNoAuth = "mongodb-noauth"
	// ClassMySQLExposed: a MySQL/MariaDB server sent its handshake.
	ClassMySQLExposed = "mysql-exposed"
	// ClassMySQLNoPassword: the MySQL/MariaDB server accepted root without a password.
	ClassMySQLNoPassword = "mysql-nopassword"
	// ClassPostgresExposed: a PostgreSQL server answered a StartupMessage.
	ClassPostgresExposed = "postgres-exposed"
	// ClassPostgresTrust: the PostgreSQL server let a user in without a password (trust).
	ClassPostgresTrust = "postgres-trust"
	// ClassPostgresCleartextAuth: the PostgreSQL server asked for a cleartext password.
	ClassPostgresCleartextAuth = "postgres-cleartext-auth"
	// ClassMSSQLExposed: a Microsoft SQL Server answered a TDS prelogin.
	ClassMSSQLExposed = "mssql-exposed"
	// ClassElasticNoAuth: an Elasticsearch node answered GET / without authentication.
	ClassElasticNoAuth = "elasticsearch-noauth"
	// ClassDICOMExposed: a DICOM service answered an A-ASSOCIATE-RQ (accept or reject).
	ClassDICOMExposed = "dicom-exposed"
	// ClassDICOMAssociation: a DICOM service accepted an association from an unknown AE title.
	ClassDICOMAssociation = "dicom-association"
	// ClassHL7MLLP: an HL7 v2 MLLP listener answered a message (framed reply or ACK).
	ClassHL7MLLP = "hl7-mllp"
	// ClassHTTPCleartext: a web server answered in clear HTTP (no redirection to HTTPS).
	ClassHTTPCleartext = "http-cleartext"
	// ClassHTTPExposed: a web server answered (information: status, title, server).
	ClassHTTPExposed = "http-exposed"
	// ClassTLSProtocolOld: the TLS server accepts SSLv3, TLS 1.0 or TLS 1.1.
	ClassTLSProtocolOld = "tls-protocol-old"
	// ClassTLSCertExpired: the certificate presented has expired (or is not yet valid).
	ClassTLSCertExpired = "tls-cert-expired"
	// ClassTLSSelfSigned: the certificate presented is self-signed.
	ClassTLSSelfSigned = "tls-self-signed"
	// ClassTLSNameMismatch: the certificate does not cover the name the host was reached by.
	ClassTLSNameMismatch = "tls-name-mismatch"
	// ClassTLSWeakKey: the certificate key is too short (RSA < 2048 bits, EC < 256 bits).
	ClassTLSWeakKey = "tls-weak-key"
	// ClassTLSWeakSignature: the certificate is signed with MD5 or SHA-1.
	ClassTLSWeakSignature = "tls-weak-signature"
	// ClassVPNGateway: a VPN gateway web portal was identified (product in Observation.Product).
	ClassVPNGateway = "vpn-gateway"
	// ClassServiceVersion: a product and version were identified (input to the vulnerability database).
	ClassServiceVersion = "service-version"
	// ClassServiceUnknown: an open port answered nothing any probe recognised (evidence says why).
	ClassServiceUnknown = "service-unknown"
	// ClassLDAPExposed: an LDAP directory answered a rootDSE search.
	ClassLDAPExposed = "ldap-exposed"
	// ClassADExposed: an Active Directory domain controller answered (rootDSE, endpoint mapper).
	ClassADExposed = "ad-dc-exposed"
	// ClassKerberosExposed: a Kerberos KDC answered an AS-REQ.
	ClassKerberosExposed = "kerberos-exposed"
	// ClassMSRPCExposed: the MS-RPC endpoint mapper accepted a bind.
	ClassMSRPCExposed = "msrpc-exposed"
	// ClassIMAPOpen: an IMAP server answered with its greeting.
	ClassIMAPOpen = "imap-open"
	// ClassIMAPNoSTARTTLS: the IMAP server does not offer STARTTLS.
	ClassIMAPNoSTARTTLS = "imap-no-starttls"
	// ClassPOP3Open: a POP3 server answered with its greeting.
	ClassPOP3Open = "pop3-open"
	// ClassPOP3NoSTLS: the POP3 server does not offer STLS.
	ClassPOP3NoSTLS = "pop3-no-stls"
)

// Classes of the web application fingerprints shipped with the probes
// (probe/webapps.json): the file names them, the policy rates them.
const (
	// ClassPACSWebExposed: the web or REST interface of a PACS answered (authentication required).
	ClassPACSWebExposed = "pacs-web-exposed"
	// ClassPACSAnonymous: a PACS lists patients or studies to an anonymous visitor.
	ClassPACSAnonymous = "pacs-anonymous-data"
	// ClassDICOMwebAnonymous: a DICOMweb (QIDO-RS) endpoint answers an anonymous study search.
	ClassDICOMwebAnonymous = "dicomweb-anonymous"
	// ClassPACSViewer: a web DICOM viewer (OHIF …) is reachable.
	ClassPACSViewer = "pacs-viewer-exposed"
	// ClassFHIRExposed: an HL7 FHIR server published its capability statement.
	ClassFHIRExposed = "fhir-exposed"
	// ClassFHIRAnonymous: an HL7 FHIR server returns patient resources to an anonymous visitor.
	ClassFHIRAnonymous = "fhir-anonymous-data"
	// ClassWinRMExposed: Windows Remote Management (WS-Management) answered.
	ClassWinRMExposed = "winrm-exposed"
	// ClassExchangeOWA: the web access of a Microsoft Exchange server was identified.
	ClassExchangeOWA = "exchange-owa"
)

// Classes lists every exposure class the probes may emit.
var Classes = []string{
	ClassRDPExposed, ClassRDPNoNLA, ClassSMBExposed, ClassSMBv1, ClassTelnetExposed,
	ClassVNCExposed, ClassVNCNoAuth, ClassSSHExposed, ClassSSHOutdated,
	ClassFTPCleartext, ClassFTPAnonymous, ClassSMTPOpen, ClassSMTPNoSTARTTLS,
	ClassRedisNoAuth, ClassRedisExposed, ClassMongoExposed, ClassMongoNoAuth,
	ClassMySQLExposed, ClassMySQLNoPassword, ClassPostgresExposed, ClassPostgresTrust,
	ClassPostgresCleartextAuth, ClassMSSQLExposed, ClassElasticNoAuth,
	ClassDICOMExposed, ClassDICOMAssociation, ClassHL7MLLP, ClassHTTPCleartext,
	ClassHTTPExposed, ClassTLSProtocolOld, ClassTLSCertExpired, ClassTLSSelfSigned,
	ClassTLSNameMismatch, ClassTLSWeakKey, ClassTLSWeakSignature, ClassVPNGateway,
	ClassServiceVersion, ClassServiceUnknown, ClassLDAPExposed, ClassADExposed,
	ClassKerberosExposed, ClassMSRPCExposed, ClassIMAPOpen, ClassIMAPNoSTARTTLS,
	ClassPOP3Open, ClassPOP3NoSTLS, ClassPACSWebExposed, ClassPACSAnonymous,
	ClassDICOMwebAnonymous, ClassPACSViewer, ClassFHIRExposed, ClassFHIRAnonymous,
	ClassWinRMExposed, ClassExchangeOWA,
}
