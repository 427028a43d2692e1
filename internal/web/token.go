package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise in logs and secret scanners.
const APITokenPrefix = "vigie_"

// newSecret returns 32 random bytes, base64url-encoded.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("aléa : %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewAPIToken returns a new API token and the hash to store.
func NewAPIToken() (token, hash string, err error) {
	s, err := newSecret()
	if err != nil {
		return "", "", err
	}
	token = APITokenPrefix + s
	return token, HashToken(token), nil
}

// HashToken is how session and API tokens are stored: SHA-256, hex.
// The tokens carry 256 random bits, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
