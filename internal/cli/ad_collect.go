package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/snapshot"
	"vigie/internal/ad/sysvolfs"
	"vigie/internal/french"
)

// adConnFlags are the connection options shared by collect and audit.
type adConnFlags struct {
	cfg          ldapcollect.Config
	passwordFile string
	password     string // only to refuse it with a clear message
	base         string
	quiet        bool
	pageSize     int
	parallel     int
	sysvol       string // a mounted SYSVOL share (sysvolfs)
	sysvolDomain string
	listing      *snapshot.Sysvol
}

func (f *adConnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cfg.Host, "dc", "", "contrôleur de domaine (nom ou adresse)")
	fs.IntVar(&f.cfg.Port, "port", 0, "port LDAP (défaut 636 en ldaps, 389 sinon)")
	fs.StringVar(&f.cfg.TLS, "tls", ldapcollect.TLSLDAPS, "chiffrement : ldaps, starttls ou none")
	fs.BoolVar(&f.cfg.AllowCleartext, "allow-cleartext", false, "autoriser --tls none (annuaire et secrets en clair sur le réseau)")
	fs.StringVar(&f.cfg.User, "user", "", "compte de collecte (compte@domaine, DOMAINE\\compte ou DN)")
	fs.StringVar(&f.cfg.Auth, "auth", ldapcollect.AuthSimple, "authentification : simple, ntlm ou kerberos")
	fs.StringVar(&f.passwordFile, "password-file", "", "fichier contenant le mot de passe (sinon VIGIE_AD_PASSWORD, sinon saisie au terminal)")
	fs.StringVar(&f.password, "password", "", "refusé : le mot de passe ne se passe jamais en clair sur la ligne de commande")
	fs.StringVar(&f.cfg.Keytab, "keytab", "", "Kerberos : fichier keytab")
	fs.StringVar(&f.cfg.CCache, "ccache", "", "Kerberos : cache de tickets (kinit)")
	fs.StringVar(&f.cfg.Realm, "realm", "", "Kerberos : royaume (défaut : celui du compte ou du contrôleur)")
	fs.StringVar(&f.cfg.KRB5Conf, "krb5-conf", "", "Kerberos : fichier krb5.conf (défaut $KRB5_CONFIG ou /etc/krb5.conf)")
	fs.StringVar(&f.cfg.SPN, "spn", "", "Kerberos : principal du service LDAP (défaut ldap/<nom DNS du contrôleur>)")
	fs.StringVar(&f.cfg.CAFile, "ca-file", "", "autorité de certification (PEM) du certificat du contrôleur")
	fs.BoolVar(&f.cfg.InsecureTLS, "insecure-tls", false, "ne pas vérifier le certificat du contrôleur (déconseillé)")
	fs.StringVar(&f.base, "base", "", "ne collecter que ce sous-arbre (DN)")
	fs.BoolVar(&f.quiet, "quiet", false, "pas d'affichage de progression")
	fs.IntVar(&f.pageSize, "page-size", 1000, "taille des pages LDAP")
	fs.StringVar(&f.sysvol, "sysvol", "", "partage SYSVOL monté sur cette machine (mount -t cifs //dc/SYSVOL /mnt/sysvol -o ro,cifsacl) : dates et descripteurs des fichiers des GPO, pour les avertissements du SYSVOL")
	fs.StringVar(&f.sysvolDomain, "sysvol-domain", "", "domaine du dossier --sysvol quand il désigne le dossier d'un seul domaine (défaut : son nom)")
	fs.IntVar(&f.parallel, "parallel", ldapcollect.DefaultParallel, fmt.Sprintf("connexions simultanées au contrôleur, en lecture seule (1 à %d)", ldapcollect.MaxParallel))
}

// resolve fills the password and checks what flags cannot check alone.
func (f *adConnFlags) resolve(env *Env) error {
	if f.password != "" {
		return usagef("--password est refusé : le mot de passe n'est jamais accepté en clair sur la ligne de commande (visible dans la liste des processus et l'historique) ; utilisez --password-file, VIGIE_AD_PASSWORD ou la saisie au terminal")
	}
	if f.cfg.Host == "" {
		return usagef("--dc est obligatoire (contrôleur de domaine à interroger)")
	}
	if f.parallel < 1 || f.parallel > ldapcollect.MaxParallel {
		return usagef("--parallel %d : entre 1 et %d connexions", f.parallel, ldapcollect.MaxParallel)
	}
	if f.cfg.User == "" && f.cfg.CCache == "" {
		return usagef("--user est obligatoire (compte de collecte)")
	}
	if f.cfg.KRB5Conf == "" {
		f.cfg.KRB5Conf = env.Getenv("KRB5_CONFIG")
	}
	if f.sysvol != "" {
		// Read first: a wrong folder stops before the directory is read.
		l, err := sysvolfs.Read(f.sysvol, f.sysvolDomain)
		if err != nil {
			return inputErr(err)
		}
		f.listing = l
	}
	needPassword := f.cfg.Auth != ldapcollect.AuthKerberos || (f.cfg.Keytab == "" && f.cfg.CCache == "")
	if !needPassword {
		return nil
	}
	switch {
	case f.passwordFile != "":
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return inputErr(fmt.Errorf("lecture du fichier de mot de passe %s : %w", f.passwordFile, err))
		}
		pw, _, _ := strings.Cut(string(b), "\n")
		f.cfg.Password = strings.TrimSuffix(pw, "\r")
		if f.cfg.Password == "" {
			return inputErr(fmt.Errorf("le fichier de mot de passe %s est vide", f.passwordFile))
		}
	case env.Getenv("VIGIE_AD_PASSWORD") != "":
		f.cfg.Password = env.Getenv("VIGIE_AD_PASSWORD")
	default:
		in, ok := env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(in.Fd())) {
			return usagef("mot de passe absent : utilisez --password-file FICHIER ou la variable VIGIE_AD_PASSWORD (pas de terminal pour le demander)")
		}
		fmt.Fprintf(env.Stderr, "Mot de passe de %s : ", f.cfg.User)
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return fmt.Errorf("saisie du mot de passe : %w", err)
		}
		f.cfg.Password = string(b)
	}
	return nil
}

// options builds the collection options, with progress on a terminal.
func (f *adConnFlags) options(env *Env) ldapcollect.Options {
	o := ldapcollect.Options{Base: f.base, PageSize: f.pageSize, Parallel: f.parallel, Now: env.Now, Sysvol: f.listing}
	if env.IsTerminal && !f.quiet {
		o.Progress = adProgress(env)
	}
	return o
}

// adProgress prints one line per naming context, refreshed after each page.
func adProgress(env *Env) func(ldapcollect.Progress) {
	return func(p ldapcollect.Progress) {
		fmt.Fprintf(env.Stderr, "\r  %s : %d objets", p.NamingContext, p.Objects)
		if p.Done {
			fmt.Fprintln(env.Stderr, " — terminé")
		}
	}
}

// adCollectErr maps collection errors to exit codes.
func adCollectErr(err error) error {
	if ldapcollect.IsInput(err) {
		return inputErr(err)
	}
	return err
}

// adCollect implements « vigie ad collect ».
func adCollect(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad collect", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f adConnFlags
	f.register(fs)
	out := fs.String("o", "", "fichier instantané à écrire (obligatoire)")
	fs.Usage = adUsageFunc(env, fs, "vigie ad collect --dc HÔTE --user COMPTE [options] -o INSTANTANÉ")
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) > 0 {
		return usagef("vigie ad collect : argument inattendu %q", pos[0])
	}
	if *out == "" {
		return usagef("vigie ad collect : -o FICHIER est obligatoire (instantané à écrire)")
	}
	if err := f.resolve(env); err != nil {
		return err
	}
	sum, err := ldapcollect.Collect(ctx, f.cfg, f.options(env), *out)
	if err != nil {
		return adCollectErr(err)
	}
	adPrintSummary(env, *out, sum)
	if f.listing != nil {
		fmt.Fprintf(env.Stdout, "  SYSVOL : %s\n", sysvolSummary(f.listing))
	}
	return nil
}

// sysvolSummary counts a SYSVOL listing: entries, and how many carry a
// security descriptor (a mount without cifsacl gives none).
func sysvolSummary(l *snapshot.Sysvol) string {
	withSD := 0
	for _, e := range l.Entries {
		if len(e.SD) > 0 {
			withSD++
		}
	}
	s := french.Plural(len(l.Entries), "fichier ou dossier", "fichiers et dossiers")
	switch {
	case len(l.Entries) == 0:
	case withSD == 0:
		s += ", sans descripteur de sécurité (montage sans cifsacl ?)"
	default:
		s += ", dont " + french.Plural(withSD, "avec son descripteur de sécurité", "avec leur descripteur de sécurité")
	}
	return s
}

func adPrintSummary(env *Env, path string, s ldapcollect.Summary) {
	fmt.Fprintf(env.Stdout, "Instantané écrit : %s\n", path)
	fmt.Fprintf(env.Stdout, "  Forêt : %s (contrôleur %s)\n", s.Forest, s.Server)
	fmt.Fprintf(env.Stdout, "  Contextes de nommage : %d\n", len(s.NamingContexts))
	fmt.Fprintf(env.Stdout, "  Objets : %d\n", s.Objects)
	fmt.Fprintf(env.Stdout, "  Éléments non collectés : %d\n", s.Gaps)
	fmt.Fprintf(env.Stdout, "  Durée : %s\n", french.Duration(s.Elapsed))
}

// AuditCollect collects into a temporary snapshot and returns its path and a
// cleanup function. « vigie ad audit » uses it; the application layer can use
// it too before storing the analysis.
func AuditCollect(ctx context.Context, env *Env, cfg ldapcollect.Config, opts ldapcollect.Options) (string, func(), error) {
	dir, err := os.MkdirTemp("", "vigie-ad-audit-")
	if err != nil {
		return "", nil, fmt.Errorf("dossier temporaire : %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, "collecte.vigie-ad.gz")
	if _, err := ldapcollect.Collect(ctx, cfg, opts, path); err != nil {
		cleanup()
		return "", nil, adCollectErr(err)
	}
	return path, cleanup, nil
}

// adAudit implements « vigie ad audit »: collect to a temporary snapshot,
// then analyse it.
func adAudit(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad audit", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f adConnFlags
	f.register(fs)
	format := fs.String("format", "table", "format du rapport : table, json ou html")
	excPath := fs.String("exceptions", "", "fichier JSON des risques acceptés (voir vigie ad analyze)")
	checksPath := fs.String("checks", "", "fichier JSON surchargeant les points de contrôle (voir vigie ad analyze)")
	report := fs.String("report", "", "écrire le rapport dans ce fichier (sortie standard sinon)")
	failBelow := fs.Int("fail-below", 0, "code de sortie 3 si le niveau ANSSI est inférieur à N (1 à 5)")
	var save saveFlags
	save.register(fs)
	directory := fs.String("directory", "", "avec --save : identifiant de l'annuaire dans le dossier (ex. ad-chu)")
	queue := fs.Bool("queue", false, "mettre l'audit en file avec la connexion enregistrée de l'annuaire --directory (exécuté par « vigie worker » ou « vigie serve »)")
	fs.Usage = adUsageFunc(env, fs, "vigie ad audit --dc HÔTE --user COMPTE [options] [--save --directory ID] | --queue --directory ID")
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) > 0 {
		return usagef("vigie ad audit : argument inattendu %q", pos[0])
	}
	if *queue {
		return queueAD(ctx, env, &save, *directory)
	}
	switch *format {
	case "table", "json", "html":
	default:
		return usagef("vigie ad audit : --format %q inconnu (table, json ou html)", *format)
	}
	if *failBelow < 0 || *failBelow > 5 {
		return usagef("vigie ad audit : --fail-below %d invalide (1 à 5)", *failBelow)
	}
	if save.save && *directory == "" {
		return usagef("vigie ad audit : --save demande --directory ID (l'annuaire du dossier auquel rattacher l'audit)")
	}
	if err := f.resolve(env); err != nil {
		return err
	}
	path, cleanup, err := AuditCollect(ctx, env, f.cfg, f.options(env))
	if err != nil {
		return err
	}
	defer cleanup()
	analyzeArgs := []string{"--format", *format, "--quiet"}
	for flag, v := range map[string]string{"--exceptions": *excPath, "--checks": *checksPath, "-o": *report,
		"--directory": *directory, "--data": save.sf.data, "--database": save.sf.database, "--key-file": save.sf.keyFile, "--by": save.by} {
		if v != "" {
			analyzeArgs = append(analyzeArgs, flag, v)
		}
	}
	if save.save {
		analyzeArgs = append(analyzeArgs, "--save")
	}
	if *failBelow > 0 {
		analyzeArgs = append(analyzeArgs, "--fail-below", fmt.Sprint(*failBelow))
	}
	return adAnalyzeSnapshot(ctx, env, path, analyzeArgs)
}
