package adtest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// Save writes the forest as a snapshot file. Each descriptor is the
// object's explicit one plus the ACEs inherited from its parent.
func (f *Forest) Save(path string) error {
	w, err := snapshot.Create(path, f.Header)
	if err != nil {
		return err
	}
	f.ensureSchema()
	eff := f.effectiveSDs()
	for _, o := range f.objs {
		so := *o.Object
		if sd := eff[o]; sd != nil && !f.noSDs {
			b, err := sd.Marshal()
			if err != nil {
				w.Abort()
				return fmt.Errorf("adtest: descripteur de %s : %w", o.DN, err)
			}
			bin := make(map[string][][]byte, len(so.Bin)+1)
			for k, v := range so.Bin {
				bin[k] = v
			}
			bin["ntsecuritydescriptor"] = [][]byte{b}
			so.Bin = bin
		}
		if err := w.WriteObject(&so); err != nil {
			w.Abort()
			return err
		}
	}
	for _, g := range f.Gaps {
		if err := w.WriteGap(g); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// effectiveSDs computes every object's descriptor as a DC would hold it:
// SDProp on adminCount=1 objects, then inheritance from the parent's
// effective DACL unless the DACL is protected.
func (f *Forest) effectiveSDs() map[*Obj]*secdesc.SecurityDescriptor {
	out := map[*Obj]*secdesc.SecurityDescriptor{}
	ash := f.Get("CN=AdminSDHolder,CN=System," + f.DomainDN)
	for _, o := range byDepth(f.objs) {
		if o.SD == nil {
			continue
		}
		sd := *o.SD
		sd.DACL = &secdesc.ACL{Revision: o.SD.DACL.Revision, ACEs: append([]secdesc.ACE(nil), o.SD.DACL.ACEs...)}
		if v, _ := o.Int("admincount"); v == 1 && !o.noSDProp && ash != nil && ash.SD != nil && o != ash {
			sd.Control |= secdesc.ControlDACLProtected
			sd.DACL.ACEs = append(append([]secdesc.ACE(nil), ash.SD.DACL.ACEs...), o.grants...)
			if !o.ownerSet {
				sd.Owner, sd.Group = ash.SD.Owner, ash.SD.Group
			}
		}
		if sd.Control&secdesc.ControlDACLProtected == 0 {
			if p := f.parentOf(o); p != nil && out[p] != nil {
				sd.DACL.ACEs = append(sd.DACL.ACEs, inherit(out[p].DACL.ACEs, classGUIDs(o.All("objectclass")), sd.Owner)...)
			}
		}
		out[o] = &sd
	}
	return out
}

// parentOf returns the object's parent in the forest, or nil.
func (f *Forest) parentOf(o *Obj) *Obj {
	_, parent, ok := strings.Cut(o.DN, ",")
	if !ok {
		return nil
	}
	return f.Get(parent)
}

// Reader saves the forest in a temporary directory and opens it.
func (f *Forest) Reader(tb testing.TB) *snapshot.Reader {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "forest.snapshot.gz")
	if err := f.Save(path); err != nil {
		tb.Fatal(err)
	}
	r, c, err := snapshot.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return r
}
