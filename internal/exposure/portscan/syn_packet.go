package portscan

import (
	"encoding/binary"
	"net/netip"
)

// TCP flags of the segments the SYN scan sends and reads.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

// synLen is the length of the SYN segment: a 20-byte header and an MSS
// option (a SYN without options is dropped by some stacks).
const synLen = 24

// synSegment writes into b (at least synLen bytes) the TCP SYN from src to
// dst with sequence number seq, checksum included, and returns it.
func synSegment(b []byte, src, dst netip.AddrPort, seq uint32) []byte {
	b = b[:synLen]
	binary.BigEndian.PutUint16(b[0:], src.Port())
	binary.BigEndian.PutUint16(b[2:], dst.Port())
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], 0) // acknowledgement
	b[12] = synLen / 4 << 4              // data offset, in 32-bit words
	b[13] = tcpSYN
	binary.BigEndian.PutUint16(b[14:], 1024) // window
	binary.BigEndian.PutUint16(b[16:], 0)    // checksum, below
	binary.BigEndian.PutUint16(b[18:], 0)    // urgent pointer
	b[20], b[21] = 2, 4                      // MSS option, length 4
	binary.BigEndian.PutUint16(b[22:], 1460)
	binary.BigEndian.PutUint16(b[16:], tcpChecksum(src.Addr(), dst.Addr(), b))
	return b
}

// tcpChecksum is the Internet checksum of seg with the IPv4 or IPv6
// pseudo-header of src and dst (RFC 793, RFC 8200 §8.1).
func tcpChecksum(src, dst netip.Addr, seg []byte) uint16 {
	var sum uint32
	add := func(b []byte) {
		for len(b) >= 2 {
			sum += uint32(b[0])<<8 | uint32(b[1])
			b = b[2:]
		}
		if len(b) == 1 {
			sum += uint32(b[0]) << 8
		}
	}
	s, d := src.AsSlice(), dst.AsSlice()
	if src.Is4In6() || dst.Is4In6() {
		s, d = src.Unmap().AsSlice(), dst.Unmap().AsSlice()
	}
	add(s)
	add(d)
	sum += 6 + uint32(len(seg)) // protocol TCP, segment length
	add(seg)
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// reply is what a target answered to a SYN: the port it came from, the
// port it went to, its acknowledgement number and flags.
type reply struct {
	from, to uint16
	ack      uint32
	flags    uint8
}

// parseTCP reads the header of a TCP segment.
func parseTCP(seg []byte) (reply, bool) {
	if len(seg) < 20 || int(seg[12]>>4)*4 < 20 {
		return reply{}, false
	}
	return reply{
		from:  binary.BigEndian.Uint16(seg[0:]),
		to:    binary.BigEndian.Uint16(seg[2:]),
		ack:   binary.BigEndian.Uint32(seg[8:]),
		flags: seg[13],
	}, true
}

// parseIPv4TCP reads an IPv4 packet carrying TCP, as a raw IPv4 socket
// receives it (header included): the source address and the TCP header.
// Fragments other than the first, other protocols and truncated packets
// are refused.
func parseIPv4TCP(pkt []byte) (netip.Addr, reply, bool) {
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return netip.Addr{}, reply{}, false
	}
	ihl := int(pkt[0]&0x0f) * 4
	if ihl < 20 || len(pkt) < ihl || pkt[9] != 6 || binary.BigEndian.Uint16(pkt[6:])&0x1fff != 0 {
		return netip.Addr{}, reply{}, false
	}
	r, ok := parseTCP(pkt[ihl:])
	return netip.AddrFrom4([4]byte(pkt[12:16])), r, ok
}
