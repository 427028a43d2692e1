package jsonfr

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFrenchSystemErrors(t *testing.T) {
	dir := t.TempDir()
	_, notFound := os.Open(filepath.Join(dir, "absent.json"))
	_, isDir := os.ReadFile(dir)
	locked := filepath.Join(dir, "locked.json")
	os.WriteFile(locked, []byte("{}"), 0o000)
	_, denied := os.ReadFile(locked)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, inUse := net.Listen("tcp", ln.Addr().String())
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("dossier : %w", notFound), "dossier : " + filepath.Join(dir, "absent.json") + " : fichier ou dossier introuvable"},
		{isDir, dir + " : c'est un dossier, pas un fichier"},
		{fmt.Errorf("lecture : %w", io.ErrUnexpectedEOF), "lecture : fin de fichier inattendue"},
		{io.EOF, "fin de fichier inattendue"},
		{fmt.Errorf("--listen : %w", inUse), "--listen : " + ln.Addr().String() + " : adresse déjà utilisée"},
	}
	if os.Geteuid() != 0 { // root reads anything
		cases = append(cases, struct {
			err  error
			want string
		}{denied, "accès refusé"})
	}
	for _, c := range cases {
		got := French(c.err)
		if !strings.Contains(got, c.want) {
			t.Errorf("French(%v) = %q, want %q", c.err, got, c.want)
		}
		for _, en := range []string{"no such", "permission", "is a directory", "EOF", "bind", "in use"} {
			if strings.Contains(got, en) {
				t.Errorf("French(%v) = %q still holds %q", c.err, got, en)
			}
		}
	}
}
