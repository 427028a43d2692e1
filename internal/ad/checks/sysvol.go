package checks

import (
	"slices"
	"strings"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
	"vigie/internal/french"
)

// Why the SYSVOL points are not evaluated.
const (
	sysvolMissing = "nécessite la liste des fichiers du SYSVOL (partage SMB des contrôleurs de domaine) : " +
		"la collecte LDAP de Vigie ne la lit pas ; une extraction ORADAD la contient (sysvol.tsv) quand process_sysvol vaut 1"
	sysvolDefaultsWhy = "nécessite, en plus des descripteurs des fichiers du SYSVOL, la référence des descripteurs par défaut " +
		"des GPO (selon la version de Windows et les délégations de la console GPMC), que Vigie n'embarque pas"
)

// sysvolOf returns the SYSVOL listing read with the directory, or why
// the point cannot be evaluated without it.
func sysvolOf(c *Context) (*snapshot.Sysvol, error) {
	if s := c.Dir.Header.Sysvol; s != nil {
		return s, nil
	}
	return nil, skip("%s", sysvolMissing)
}

// sysvolRef names a SYSVOL entry as an object of the report.
func sysvolRef(e snapshot.SysvolEntry, detail string) ObjectRef {
	return ObjectRef{DN: `\\` + e.Domain + `\SYSVOL\` + e.Domain + `\` + e.Path, Detail: detail}
}

// runInfoGPOSysvol lists the files of the group policies in SYSVOL, most
// recently written first (info_gpo_sysvol).
func runInfoGPOSysvol(c *Context) ([]Failure, error) {
	sv, err := sysvolOf(c)
	if err != nil {
		return nil, err
	}
	var files []snapshot.SysvolEntry
	for _, e := range sv.Entries {
		if e.GUID != "" && !e.Dir {
			files = append(files, e)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(files, func(a, b snapshot.SysvolEntry) int { return b.LastWrite.Compare(a.LastWrite) })
	objs := make([]ObjectRef, 0, len(files))
	for _, e := range files {
		what := "date d'écriture inconnue"
		if !e.LastWrite.IsZero() {
			what = "écrit le " + e.LastWrite.UTC().Format("02/01/2006 à 15:04") + " UTC"
		}
		objs = append(objs, sysvolRef(e, what))
	}
	// Most recent first: failIf would sort by DN.
	detail := french.Plural(len(objs), "fichier de GPO", "fichiers de GPO, du plus récemment écrit au plus ancien")
	return []Failure{{Detail: detail, Objects: objs}}, nil
}

// runSysvolFilesACL raises the files and folders of group policies whose
// DACL holds explicit (not inherited) ACEs: below a policy's root folder,
// everything inherits from it (warning_sysvol_files_acl). The root folders
// themselves carry the policy's own permissions and are left to
// warning_sysvol_root_sd.
func runSysvolFilesACL(c *Context) ([]Failure, error) {
	sv, err := sysvolOf(c)
	if err != nil {
		return nil, err
	}
	var objs []ObjectRef
	read, unreadable := 0, 0
	for _, e := range sv.Entries {
		if e.GUID == "" || e.PolicyRoot() {
			continue
		}
		sd, err := secdesc.Parse(e.SD)
		if len(e.SD) == 0 || err != nil {
			unreadable++
			continue
		}
		read++
		if sd.DACL == nil {
			continue
		}
		var who []string
		for _, a := range sd.DACL.ACEs {
			if !a.Inherited() {
				if n := c.Dir.Describe(a.SID); !slices.Contains(who, n) {
					who = append(who, n)
				}
			}
		}
		if len(who) > 0 {
			objs = append(objs, sysvolRef(e, "ACE explicite pour "+strings.Join(who, ", ")))
		}
	}
	if read == 0 && unreadable > 0 {
		return nil, skip("descripteurs de sécurité des fichiers de GPO illisibles dans l'extraction (%s)", french.Plural(unreadable, "fichier", "fichiers"))
	}
	detail := ""
	if unreadable > 0 {
		detail = french.Plural(unreadable, "fichier de GPO sans descripteur lisible, non vérifié", "fichiers de GPO sans descripteur lisible, non vérifiés")
	}
	return raise(detail, objs), nil
}
