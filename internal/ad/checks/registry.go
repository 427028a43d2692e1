package checks

// All returns every registered control point. Families append to it in
// their own files through the families list below.
func All() []Check {
	var out []Check
	for _, fam := range families {
		out = append(out, fam()...)
	}
	return out
}

// families lists the constructors of each family of control points.
var families = []func() []Check{
	privilegedChecks,
	kerberosChecks,
	delegationChecks,
	dcChecks,
	staleChecks,
	trustChecks,
	configChecks,
	groupChecks,
	rodcChecks,
	permissionChecks,
	adcsChecks,
	dnsChecks,
}
