package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func trustChecks() []Check {
	trust := Needs{Attrs: []string{"objectclass", "trustdirection", "trustattributes", "trustpartner"},
		Targets: []Target{{What: "relations d'approbation (trustedDomain)", Optional: true, Filter: "(objectClass=trustedDomain)",
			Find: func(d *model.Directory) []*model.Object { return d.OfClass("trustedDomain") }}}}
	sidh := Needs{Attrs: []string{"objectclass", "sidhistory"}}
	return []Check{
		{ID: "vuln_trusts_domain_notfiltered", Needs: trust, Run: runTrust(1, func(dir, attr int64) bool {
			return dir&model.TrustDirectionOutbound != 0 && attr&(model.TrustWithinForest|model.TrustQuarantinedDomain|model.TrustForestTransitive) == 0
		}, "approbation externe sortante sans filtrage des SID")},
		{ID: "vuln_trusts_forest_sidhistory", Needs: trust, Run: runTrust(1, func(dir, attr int64) bool {
			return dir&model.TrustDirectionOutbound != 0 && attr&model.TrustForestTransitive != 0 && attr&model.TrustTreatAsExternal != 0
		}, "approbation de forêt avec historique des SID autorisé")},
		{ID: "vuln_trusts_tgt_deleg", Needs: trust, Run: runTrust(3, func(dir, attr int64) bool {
			return dir&model.TrustDirectionInbound != 0 && attr&model.TrustCrossOrgEnableTGTDel != 0
		}, "délégation de TGT autorisée")},
		{ID: "vuln_sidhistory_dangerous", Needs: sidh, Run: runSIDHistory(true)},
		{ID: "vuln_sidhistory_present", Needs: sidh, Run: runSIDHistory(false)},
	}
}

func runTrust(grade int, bad func(dir, attr int64) bool, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Targets[0] {
			dir, ok1 := o.Int("trustdirection")
			attr, ok2 := o.Int("trustattributes")
			if !ok1 || !ok2 {
				return nil, skip("approbation %s : trustDirection ou trustAttributes illisible", o.DN)
			}
			if bad(dir, attr) {
				objs = append(objs, ObjectRef{DN: o.DN, Sam: o.Get("trustpartner"), Detail: fmt.Sprintf("%s (direction %d, attributs 0x%x)", what, dir, attr)})
			}
		}
		return failIf(grade, "", objs), nil
	}
}

// dangerousWellKnown are SIDs never acceptable in sIDHistory.
var dangerousWellKnown = map[string]bool{"S-1-5-18": true, "S-1-5-19": true, "S-1-5-20": true, "S-1-5-9": true,
	"S-1-5-32-544": true, "S-1-5-32-548": true, "S-1-5-32-549": true, "S-1-5-32-550": true, "S-1-5-32-551": true, "S-1-5-32-552": true}

func dangerousSID(s secdesc.SID) bool {
	if dangerousWellKnown[string(s)] {
		return true
	}
	if !strings.HasPrefix(string(s), "S-1-5-21-") {
		return strings.HasPrefix(string(s), "S-1-5-32-")
	}
	rid, _ := s.RID()
	switch rid {
	case 500, 502, 512, 516, 518, 519, 521, 526, 527:
		return true
	}
	return false
}

func runSIDHistory(dangerous bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.Objects {
			vals := o.BinaryAll("sidhistory")
			if len(vals) == 0 {
				continue
			}
			var list []string
			for _, b := range vals {
				s, err := secdesc.SIDFromBytes(b)
				if err != nil {
					list = append(list, "SID illisible")
					continue
				}
				if !dangerous || dangerousSID(s) {
					list = append(list, string(s))
				}
			}
			if len(list) > 0 {
				objs = append(objs, ref(o, "sIDHistory : "+strings.Join(list, ", ")))
			}
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}
