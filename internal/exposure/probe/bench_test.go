package probe

import (
	"context"
	"net"
	"testing"
	"time"
)

// BenchmarkIdentifyUnknown measures what a port nothing recognises costs on
// loopback (target: under 1.5 s with the default timing), for a silent
// listener and a talker of random bytes, with and without nmap's probes.
func BenchmarkIdentifyUnknown(b *testing.B) {
	handlers := map[string]func(net.Conn){
		"muet":      func(net.Conn) { time.Sleep(8 * time.Second) },
		"aléatoire": randomTalker,
	}
	for setName, s := range sets(b) {
		for name, h := range handlers {
			b.Run(setName+"/"+name, func(b *testing.B) {
				tg := serve(b, h)
				for i := 0; i < b.N; i++ {
					if r := s.Identify(context.Background(), tg); r.Unknown == "" {
						b.Fatalf("identifié à tort : %+v", r)
					}
				}
			})
		}
	}
}
