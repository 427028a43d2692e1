package web

// xlsxSheetName keeps a sheet name within Excel's 31 characters, without
// the characters Excel forbids.
func xlsxSheetName(n string) string {
	r := []rune(n)
	for i, c := range r {
		switch c {
		case ':', '\\', '/', '?', '*', '[', ']':
			r[i] = '-'
		}
	}
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}
