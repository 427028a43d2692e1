//go:build !linux

package portscan

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// synScanner is only implemented on Linux.
type synScanner struct{}

func (s *scanner) openSYN([]netip.Addr) (*synScanner, error) {
	return nil, errors.New("scan SYN disponible sous Linux seulement : scan par connexion")
}

func (*synScanner) probe(context.Context, netip.Addr, int, func() time.Duration) outcome {
	return isFiltered
}

func (*synScanner) close() {}

// CheckSYN says (in French) why a SYN scan falls back to a connect scan.
func CheckSYN() error {
	return errors.New("scan SYN disponible sous Linux seulement : scan par connexion")
}
