package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie/internal/demo"
)

// Every command and subcommand answers --help (and -h) with its usage,
// exit 0, whatever comes before.
func TestHelpEverywhere(t *testing.T) {
	cmds := [][]string{{}, {"help"}}
	for _, c := range commands() {
		cmds = append(cmds, []string{c.name})
	}
	for _, c := range adCommands() {
		cmds = append(cmds, []string{"ad", c.name})
	}
	for _, c := range exposureSubcommands() {
		cmds = append(cmds, []string{"exposure", c.name})
	}
	cmds = append(cmds, []string{"finess", "import"}, []string{"vulndb", "update"}, []string{"vulndb", "status"},
		[]string{"user", "create"}, []string{"user", "password"}, []string{"user", "token"}, []string{"user", "list"},
		[]string{"evaluate", "dossier.json"}, []string{"status", "--at", "2025-06-15"})
	for _, c := range cmds {
		for _, h := range []string{"--help", "-h", "-help"} {
			args := append(append([]string{}, c...), h)
			code, out, errs := run(t, args...)
			if code != 0 || !strings.Contains(out+errs, "Usage") {
				t.Errorf("vigie %s: exit %d, stdout %.100q, stderr %.100q", strings.Join(args, " "), code, out, errs)
			}
			if m := regexp.MustCompile(`\(default |Usage of|\s-\S+ (string|int|duration|value)\n`).FindString(out + errs); m != "" {
				t.Errorf("vigie %s: %q, the flag package's English, in the usage", strings.Join(args, " "), m)
			}
			// Durations read « 2 h », never Go's « 2h0m0s » nor a zero
			// that stands for the default the text gives.
			if m := regexp.MustCompile(`\(défaut : (\d+h\d+m\d+s|\d+m\d+s|0s)\)`).FindString(out + errs); m != "" {
				t.Errorf("vigie %s: %q in the usage", strings.Join(args, " "), m)
			}
		}
	}
	// « vigie help COMMANDE » is « vigie COMMANDE --help ».
	if code, out, _ := run(t, "help", "evaluate"); code != 0 || !strings.Contains(out, "Usage : vigie evaluate") {
		t.Errorf("vigie help evaluate: %d %q", code, out)
	}
}

// --at accepts JJ/MM/AAAA as well as AAAA-MM-JJ, the same day.
func TestAtFrenchDate(t *testing.T) {
	p := writeFile(t, "d.json", string(demo.GHTDossier()))
	_, iso, _ := run(t, "evaluate", p, "--at", "2025-06-30", "--format", "json")
	code, fr, errs := run(t, "evaluate", p, "--at", "30/06/2025", "--format", "json")
	if code != 0 || iso != fr {
		t.Fatalf("exit %d %s: JJ/MM/AAAA and AAAA-MM-JJ differ", code, errs)
	}
	for _, bad := range []string{"31/06/2025", "30-06-2025", "2025/06/30", "hier"} {
		code, _, errs := run(t, "evaluate", p, "--at", bad)
		if code != 2 || !strings.Contains(errs, "attendu JJ/MM/AAAA ou AAAA-MM-JJ") {
			t.Errorf("--at %s: exit %d %q", bad, code, errs)
		}
	}
}

var english = regexp.MustCompile(`(?i)\b(no such|not found|permission denied|is a directory|unexpected|invalid|EOF|cannot|unmarshal|flag provided|needs an argument|value for flag)\b`)

// Input errors are French, name the file and the place, and exit 2.
func TestInputErrorsInFrench(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, "vide.json", "")
	truncated := writeFile(t, "tronque.json", `{"format": "vigie-dossier/1", "wave": "D1-`)
	several := strings.Replace(strings.Replace(string(demo.GHTDossier()), `"level": 3`, `"level": 9`, 1), `"kit": "debutant"`, `"kit": "expert"`, 1)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"evaluate", filepath.Join(dir, "absent.json")}, []string{"absent.json : fichier ou dossier introuvable"}},
		{[]string{"evaluate", dir}, []string{"c'est un dossier, pas un fichier"}},
		{[]string{"evaluate", empty}, []string{"vide.json", "JSON incomplet"}},
		{[]string{"evaluate", truncated}, []string{"tronque.json", "JSON"}},
		{[]string{"import", filepath.Join(dir, "absent.json"), "--data", dir}, []string{"fichier ou dossier introuvable"}},
		{[]string{"import", writeFile(t, "pas.json", "pas du json"), "--data", dir}, []string{"pas.json", "JSON invalide ligne 1, colonne 1"}},
		{[]string{"evaluate", writeFile(t, "plusieurs.json", several)}, []string{"2 erreurs dans le dossier", "exercises[0].kit", "ad_audits[16].level"}},
		{[]string{"evaluate", p(t), "--frobnicate"}, []string{"option inconnue"}},
		{[]string{"evaluate", p(t), "--at"}, []string{"valeur manquante pour l'option"}},
		{[]string{"due", "--data", dir, "--include-vigie=peut-être"}, []string{"option booléenne"}},
		{[]string{"evaluate", p(t), "--catalogue", filepath.Join(dir, "cat.json")}, []string{"catalogue", "introuvable"}},
	}
	if os.Geteuid() != 0 {
		locked := writeFile(t, "verrou.json", "{}")
		os.Chmod(locked, 0)
		cases = append(cases, struct {
			args []string
			want []string
		}{[]string{"evaluate", locked}, []string{"accès refusé"}})
	}
	for _, c := range cases {
		code, _, errs := run(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%q)", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, errs, w)
			}
		}
		if m := english.FindString(errs); m != "" {
			t.Errorf("%v: English %q in %q", c.args, m, errs)
		}
	}
	// A file with several errors stores nothing.
	code, _, _ := run(t, "import", writeFile(t, "plusieurs.json", several), "--data", dir)
	if code != 2 {
		t.Fatalf("import of a bad file: exit %d", code)
	}
	if code, _, errs := run(t, "status", "--data", dir); code != 2 || !strings.Contains(errs, "aucun dossier") {
		t.Errorf("something was stored: %d %q", code, errs)
	}
}

func p(t *testing.T) string { return writeFile(t, "d.json", string(demo.GHTDossier())) }

// After the window, status shows the frozen verdict and, apart, the
// current posture; JSON carries both.
func TestStatusAfterTheWindow(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "import", p(t), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := run(t, "status", "--data", data, "--applicant", "CVL-99", "--at", "15/09/2025")
	for _, want := range []string{"Verdict de la vague : Fenêtre de déclaration close le 30/06/2025", "Dossier non déclaré à la clôture",
		"Situation actuelle — NE COMPTE PAS pour la vague", "déclaration close depuis le 30/06/2025"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status after the window lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "→ ") {
		t.Errorf("a next action is proposed for a closed wave:\n%s", out)
	}
	_, js, _ := run(t, "status", "--data", data, "--applicant", "CVL-99", "--at", "2025-09-15", "--format", "json")
	var ev struct {
		Frozen  struct{ At, Basis string }
		Current struct{ Directories []struct{ Directory string } } `json:"current_posture"`
		Dossier struct {
			NotDeclared bool `json:"not_declared"`
		}
	}
	if err := json.Unmarshal([]byte(js), &ev); err != nil || ev.Frozen.At != "2025-06-30" || ev.Frozen.Basis != "deadline" ||
		len(ev.Current.Directories) != 3 || !ev.Dossier.NotDeclared {
		t.Errorf("JSON after the window: %v %+v", err, ev)
	}
}
