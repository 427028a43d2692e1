package jsonfr

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"
)

// osErrors are the system errors a user meets when naming a file, in French.
var osErrors = []struct {
	err error
	fr  string
}{
	{fs.ErrNotExist, "fichier ou dossier introuvable"},
	{fs.ErrPermission, "accès refusé (droits insuffisants)"},
	{fs.ErrExist, "existe déjà"},
	{syscall.EISDIR, "c'est un dossier, pas un fichier"},
	{syscall.ENOTDIR, "un élément du chemin n'est pas un dossier"},
	{syscall.ENAMETOOLONG, "nom de fichier trop long"},
	{syscall.ELOOP, "trop de liens symboliques"},
	{syscall.ENOSPC, "plus de place sur le disque"},
	{syscall.EROFS, "système de fichiers en lecture seule"},
	{syscall.EMFILE, "trop de fichiers ouverts"},
	{syscall.EIO, "erreur d'entrée-sortie du disque"},
	// Network errors a user meets when naming an address (--listen, a
	// database, a mail server).
	{syscall.EADDRINUSE, "adresse déjà utilisée (un autre programme écoute sur ce port)"},
	{syscall.EADDRNOTAVAIL, "adresse absente de cette machine"},
	{syscall.ECONNREFUSED, "connexion refusée (aucun service n'écoute)"},
	{syscall.ECONNRESET, "connexion interrompue par l'autre partie"},
	{syscall.ETIMEDOUT, "délai de connexion dépassé"},
	{syscall.EHOSTUNREACH, "machine injoignable"},
	{syscall.ENETUNREACH, "réseau injoignable"},
	{io.ErrUnexpectedEOF, "fin de fichier inattendue"},
	{io.EOF, "fin de fichier inattendue"},
}

// OSError describes a system error (file not found, permission denied,
// end of file…) in French; ok is false when err is none of them.
func OSError(err error) (msg string, ok bool) {
	for _, e := range osErrors {
		if errors.Is(err, e.err) {
			return e.fr, true
		}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("erreur système n° %d", int(errno)), true
	}
	return "", false
}

// French rewrites the English part an error chain gets from the system
// (a *fs.PathError such as "open x.json: no such file or directory", a
// *net.OpError such as "listen tcp …: bind: address already in use", a bare
// EOF) into French, keeping the context the program added around it.
func French(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if fr, ok := OSError(pe.Err); ok {
			return strings.Replace(msg, pe.Error(), pe.Path+" : "+fr, 1)
		}
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		if fr, ok := OSError(oe.Err); ok {
			where := oe.Op
			if oe.Addr != nil {
				where = oe.Addr.String()
			}
			return strings.Replace(msg, oe.Error(), where+" : "+fr, 1)
		}
	}
	for _, leaf := range []error{io.ErrUnexpectedEOF, io.EOF} {
		if errors.Is(err, leaf) && strings.HasSuffix(msg, leaf.Error()) {
			fr, _ := OSError(leaf)
			return strings.TrimSuffix(msg, leaf.Error()) + fr
		}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if fr, ok := OSError(errno); ok {
			return strings.Replace(msg, errno.Error(), fr, 1)
		}
	}
	return msg
}
