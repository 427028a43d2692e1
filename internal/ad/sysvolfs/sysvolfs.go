// Package sysvolfs reads the SYSVOL share of a domain controller mounted
// on this machine (mount -t cifs //dc/SYSVOL /mnt/sysvol -o ro,cifsacl):
// every file and folder with its last write time, and its security
// descriptor when the mount exposes it (the system.cifs_acl attribute of
// a cifsacl mount). It only reads.
package sysvolfs

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"vigie/internal/ad/snapshot"
)

// cifsACL is the extended attribute through which the Linux CIFS client
// gives a file's raw security descriptor (owner and DACL).
const cifsACL = "system.cifs_acl"

// maxEntries bounds the listing (a SYSVOL holds thousands of files, not
// millions): beyond, the folder given is not a SYSVOL share.
const maxEntries = 500_000

// Read lists the SYSVOL share mounted at root. root is the share itself
// (holding one folder per domain, each with its Policies folder) or one
// domain's folder (holding Policies directly; its name is then domain).
func Read(root, domain string) (*snapshot.Sysvol, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("SYSVOL %s : %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("SYSVOL %s : un dossier est attendu (le partage SYSVOL monté)", root)
	}
	domains := map[string]string{} // folder → domain DNS name
	if isDir(filepath.Join(root, "Policies")) || isDir(filepath.Join(root, "policies")) {
		if domain == "" {
			domain = filepath.Base(filepath.Clean(root))
		}
		domains[root] = strings.ToLower(domain)
	} else {
		ents, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("SYSVOL %s : %w", root, err)
		}
		for _, e := range ents {
			p := filepath.Join(root, e.Name())
			if e.IsDir() && (isDir(filepath.Join(p, "Policies")) || isDir(filepath.Join(p, "policies"))) {
				domains[p] = strings.ToLower(e.Name())
			}
		}
	}
	if len(domains) == 0 {
		return nil, fmt.Errorf("SYSVOL %s : ni dossier Policies ni dossier de domaine qui en contienne un : est-ce bien le partage SYSVOL monté ?", root)
	}
	out := &snapshot.Sysvol{Source: "dossier monté", Entries: []snapshot.SysvolEntry{}}
	for _, dir := range slices.Sorted(maps.Keys(domains)) {
		if err := walk(dir, domains[dir], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// walk adds every entry under one domain's folder.
func walk(dir, domain string, out *snapshot.Sysvol) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrPermission) && p != dir {
				// An unreadable folder (DfsrPrivate…) is listed without
				// its content, as ORADAD does.
				out.Entries = append(out.Entries, entry(p, dir, domain, d, syscall.EACCES))
				return fs.SkipDir
			}
			return fmt.Errorf("SYSVOL %s : %w", p, err)
		}
		if p == dir {
			return nil
		}
		if len(out.Entries) >= maxEntries {
			return fmt.Errorf("SYSVOL %s : plus de %d fichiers : est-ce bien le partage SYSVOL ?", dir, maxEntries)
		}
		out.Entries = append(out.Entries, entry(p, dir, domain, d, 0))
		return nil
	})
}

// entry describes the file or folder at p.
func entry(p, dir, domain string, d fs.DirEntry, failed syscall.Errno) snapshot.SysvolEntry {
	rel, _ := filepath.Rel(dir, p)
	e := snapshot.SysvolEntry{Domain: domain, Path: strings.ReplaceAll(rel, string(filepath.Separator), `\`), Name: filepath.Base(p)}
	if d != nil {
		e.Dir = d.IsDir()
	}
	parts := strings.Split(e.Path, `\`)
	if len(parts) >= 2 && strings.EqualFold(parts[0], "Policies") && strings.HasPrefix(parts[1], "{") {
		e.GUID = strings.ToUpper(parts[1])
	}
	if failed != 0 {
		e.Error = uint32(failed)
		return e
	}
	if info, err := os.Lstat(p); err == nil {
		e.LastWrite = info.ModTime().UTC()
	}
	e.SD = readSD(p)
	return e
}

// readSD returns the raw security descriptor a cifsacl mount exposes, or
// nil (a local folder, a mount without cifsacl).
func readSD(p string) []byte {
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Getxattr(p, cifsACL, buf)
		switch {
		case errors.Is(err, syscall.ERANGE) && len(buf) < 1<<20:
			buf = make([]byte, 4*len(buf))
			continue
		case err != nil || n == 0:
			return nil
		}
		return buf[:n]
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
