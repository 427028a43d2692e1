package probe

import (
	"encoding/binary"
	"errors"
	"math"
)

// bsonDoc builds a BSON document from ordered key/value pairs (int32,
// string, bool, float64, nested []any pairs as documents).
func bsonDoc(kv ...any) []byte {
	b := []byte{0, 0, 0, 0}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case int32:
			b = append(b, 0x10)
			b = append(append(b, k...), 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		case float64:
			b = append(b, 0x01)
			b = append(append(b, k...), 0)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case string:
			b = append(b, 0x02)
			b = append(append(b, k...), 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(len(v)+1))
			b = append(append(b, v...), 0)
		case bool:
			b = append(b, 0x08)
			b = append(append(b, k...), 0)
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case []any:
			b = append(b, 0x03)
			b = append(append(b, k...), 0)
			b = append(b, bsonDoc(v...)...)
		}
	}
	b = append(b, 0)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

var errBSON = errors.New("BSON invalide")

// parseBSON decodes a document into a map (nested documents and arrays as
// map[string]any; numbers as float64). Depth and size are bounded.
func parseBSON(b []byte, depth int) (map[string]any, int, error) {
	if depth > 8 || len(b) < 5 {
		return nil, 0, errBSON
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n < 5 || n > len(b) || b[n-1] != 0 {
		return nil, 0, errBSON
	}
	out := map[string]any{}
	p := 4
	for p < n-1 {
		t := b[p]
		p++
		end := p
		for end < n && b[end] != 0 {
			end++
		}
		if end >= n {
			return nil, 0, errBSON
		}
		key := string(b[p:end])
		p = end + 1
		switch t {
		case 0x01:
			if p+8 > n {
				return nil, 0, errBSON
			}
			out[key] = math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
			p += 8
		case 0x02:
			if p+4 > n {
				return nil, 0, errBSON
			}
			l := int(binary.LittleEndian.Uint32(b[p:]))
			if l < 1 || p+4+l > n {
				return nil, 0, errBSON
			}
			out[key] = string(b[p+4 : p+4+l-1])
			p += 4 + l
		case 0x03, 0x04:
			sub, used, err := parseBSON(b[p:n], depth+1)
			if err != nil {
				return nil, 0, err
			}
			out[key] = sub
			p += used
		case 0x08:
			if p+1 > n {
				return nil, 0, errBSON
			}
			out[key] = b[p] != 0
			p++
		case 0x10:
			if p+4 > n {
				return nil, 0, errBSON
			}
			out[key] = float64(int32(binary.LittleEndian.Uint32(b[p:])))
			p += 4
		case 0x12, 0x11, 0x09:
			if p+8 > n {
				return nil, 0, errBSON
			}
			out[key] = float64(int64(binary.LittleEndian.Uint64(b[p:])))
			p += 8
		case 0x07:
			p += 12
		case 0x0A:
		case 0x05:
			if p+5 > n {
				return nil, 0, errBSON
			}
			l := int(binary.LittleEndian.Uint32(b[p:]))
			if l < 0 || p+5+l > n {
				return nil, 0, errBSON
			}
			p += 5 + l
		default:
			return nil, 0, errBSON
		}
		if p > n {
			return nil, 0, errBSON
		}
	}
	return out, n, nil
}
