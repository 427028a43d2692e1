package probe

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// MongoDB sends hello (OP_MSG) and buildInfo, then listDatabases without credentials.
type MongoDB struct{}

// Name implements Prober.
func (MongoDB) Name() string { return "mongodb" }

// Ports implements Prober.
func (MongoDB) Ports() []int { return []int{27017, 27018} }

func opMsg(id int32, doc []byte) []byte {
	b := make([]byte, 16, 21+len(doc))
	binary.LittleEndian.PutUint32(b[4:], uint32(id))
	binary.LittleEndian.PutUint32(b[12:], 2013)
	b = append(b, 0, 0, 0, 0) // flags
	b = append(b, 0)          // section kind 0: body
	b = append(b, doc...)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

// ParseOpMsgReply decodes the body document of an OP_MSG reply.
func ParseOpMsgReply(b []byte) (map[string]any, error) {
	if len(b) < 21 || binary.LittleEndian.Uint32(b[12:]) != 2013 || b[20] != 0 {
		return nil, ErrNoMatch
	}
	doc, _, err := parseBSON(b[21:], 0)
	if err != nil {
		return nil, ErrNoMatch
	}
	return doc, nil
}

func mongoCommand(c net.Conn, id int32, doc []byte) (map[string]any, error) {
	if _, err := c.Write(opMsg(id, doc)); err != nil {
		return nil, err
	}
	h, err := readFull(c, 4)
	if err != nil {
		return nil, ErrNoMatch
	}
	n := int(binary.LittleEndian.Uint32(h))
	if n < 21 || n > 1<<20 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n-4)
	if err != nil {
		return nil, ErrNoMatch
	}
	return ParseOpMsgReply(append(h, rest...))
}

// Probe implements Prober.
func (MongoDB) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	hello, err := mongoCommand(c, 1, bsonDoc("hello", int32(1), "$db", "admin"))
	if err != nil {
		return nil, err
	}
	if _, ok := hello["ok"]; !ok {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "mongodb", Product: "MongoDB"}
	if v, ok := hello["maxWireVersion"].(float64); ok {
		r.Banner = fmt.Sprintf("hello : maxWireVersion %d", int(v))
	}
	if bi, err := mongoCommand(c, 2, bsonDoc("buildInfo", int32(1), "$db", "admin")); err == nil {
		if v, ok := bi["version"].(string); ok && len(v) < 40 {
			r.Version = v
		}
	}
	r.observe(exposure.ClassMongoExposed, exposure.Confirmed, "MongoDB répond à hello "+r.Version)
	ld, err := mongoCommand(c, 3, bsonDoc("listDatabases", int32(1), "nameOnly", true, "$db", "admin"))
	if err == nil {
		if ok, _ := ld["ok"].(float64); ok == 1 {
			n := 0
			if dbs, ok := ld["databases"].(map[string]any); ok {
				n = len(dbs)
			}
			r.observe(exposure.ClassMongoNoAuth, exposure.Confirmed, "listDatabases sans authentification : "+french.Plural(n, "base listée", "bases listées"))
		}
	}
	r.versionObservation()
	return r, nil
}
