//go:build !linux

package portscan

import (
	"context"
	"net/netip"
	"time"
)

// fastConnect is only available on Linux; elsewhere the dialer is used.
func fastConnect(context.Context, netip.Addr, int, func() time.Duration) outcome {
	return -1
}
