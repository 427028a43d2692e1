package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/schedule"
	"vigie/internal/store"
)

// Horizons of the calendar: the audits done in the last year, the ones
// planned in the next six months.
const (
	calendarPastDays   = 365
	calendarFutureDays = 180
	// scheduleNextShown is how many planned dates a schedule row lists.
	scheduleNextShown = 3
)

// scheduleRoutes registers the schedules page and forms.
func (s *Server) scheduleRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/planification", s.page(s.schedulesPage))
	handle("GET /dossiers/{id}/planification/exposition/{finess}", s.page(s.scheduleForm))
	handle("POST /dossiers/{id}/planification/exposition/{finess}", s.page(s.scheduleForm))
	handle("GET /dossiers/{id}/planification/ad/{dir}", s.page(s.scheduleForm))
	handle("POST /dossiers/{id}/planification/ad/{dir}", s.page(s.scheduleForm))
}

// initSchedulePages parses the schedules page.
func (s *Server) initSchedulePages() error {
	t, err := template.New("layout.html").Funcs(templateFuncs(s.loc)).ParseFS(templateFiles, "templates/layout.html", "templates/schedules.html")
	if err != nil {
		return fmt.Errorf("gabarit schedules : %w", err)
	}
	s.pages["schedules"] = t
	return nil
}

// scheduleRow is an entity (exposure) or a directory (AD) with its schedule.
type scheduleRow struct {
	Subject, Name string
	// Schedule is nil when none is recorded.
	Schedule *store.Schedule
	// Next are the first planned dates; Warning the planner's (the
	// deadline cannot be met); Blocked why runs wait (perimeter not
	// approved, no connection…).
	Next             []schedule.Slot
	Warning, Blocked string
	EditHref         string
}

// calendarEntry is one line of the calendar.
type calendarEntry struct {
	Date civil.Date
	// Kind is "fait", "prevu" or "rappel".
	Kind, What, Detail string
}

// calendarMonth groups the calendar by month.
type calendarMonth struct {
	Label   string
	Entries []calendarEntry
}

// schedulesData fills the schedules page.
type schedulesData struct {
	View    *view
	CanEdit bool
	// Today is the date the calendar is seen at (?at=), Real the real
	// date, At the date as written in the address ("" without ?at=).
	Today, Real  civil.Date
	At           string
	Exposure, AD []scheduleRow
	Months       []calendarMonth
	Reminders    []schedule.Reminder
	Saved        bool
}

// planner returns the planner of the stored schedules.
func (s *Server) planner() *jobs.Planner {
	return &jobs.Planner{Store: s.st, Catalogue: s.cat, Location: s.loc}
}

// schedulesPage shows a dossier's schedules, the calendar of its done and
// planned audits, the reminders of the official audits and the planner's
// warnings, for whatever part of the dossier the user sees.
func (s *Server) schedulesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v, err := s.loadApplicantView(ctx, rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.cachedFacts(ctx, v.Applicant.ID)
	if err != nil {
		return err
	}
	// The calendar is seen at ?at= (the demo's date by default in the
	// demo), like the dashboards; the planner itself runs at the real date.
	today, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	d := schedulesData{View: v, CanEdit: rightsOf(rq.p, v).schedules(), Today: today, Real: s.today(), At: at,
		Saved: r.URL.Query().Get("enregistre") == "1"}
	scs, err := s.st.Schedules(ctx, v.Applicant.ID)
	if err != nil {
		return err
	}
	byID := map[string]*store.Schedule{}
	for i := range scs {
		byID[scs[i].ID] = &scs[i]
	}
	pl := s.planner()
	var planned []calendarEntry
	row := func(kind, subject, name, href string) (scheduleRow, error) {
		rw := scheduleRow{Subject: subject, Name: name, Schedule: byID[store.ScheduleID(kind, subject)], EditHref: href}
		if rw.Schedule == nil {
			return rw, nil
		}
		plan := pl.PlanOf(*rw.Schedule, f, today)
		rw.Warning = plan.Warning
		if !rw.Schedule.Enabled {
			return rw, nil
		}
		blocked, err := pl.Blocked(ctx, *rw.Schedule)
		if err != nil {
			return rw, err
		}
		rw.Blocked = blocked
		for i, sl := range plan.Slots {
			if i < scheduleNextShown {
				rw.Next = append(rw.Next, sl)
			}
			if sl.Date.DaysSince(today) <= calendarFutureDays {
				what := "audit d'exposition de " + name
				if kind == store.ScheduleAD {
					what = "audit AD de l'annuaire " + name
				}
				planned = append(planned, calendarEntry{Date: sl.Date, Kind: "prevu", What: what, Detail: sl.Why})
			}
		}
		return rw, nil
	}
	base := "/dossiers/" + url.PathEscape(v.Applicant.ID) + "/planification/"
	for _, e := range visibleEntities(v, f) {
		rw, err := row(store.ScheduleExposure, string(e.FINESS), e.Name+" ("+string(e.FINESS)+")", base+"exposition/"+string(e.FINESS))
		if err != nil {
			return err
		}
		d.Exposure = append(d.Exposure, rw)
	}
	for _, dir := range f.Directories {
		if v.Partial() && !usesVisible(v, dir) {
			continue
		}
		rw, err := row(store.ScheduleAD, dir.ID, cmp.Or(dir.Name, dir.ID), base+"ad/"+url.PathEscape(dir.ID))
		if err != nil {
			return err
		}
		d.AD = append(d.AD, rw)
	}
	entries := append(planned, doneAudits(v, f, today)...)
	if rems, err := pl.Reminders(f); err == nil {
		for _, rm := range visibleReminders(v, f, rems) {
			d.Reminders = append(d.Reminders, rm)
			if !rm.Due.Before(today.AddDays(-calendarPastDays)) && rm.Due.DaysSince(today) <= calendarFutureDays {
				entries = append(entries, calendarEntry{Date: rm.Due, Kind: "rappel", What: "dépôt d'un audit " + rm.Source, Detail: rm.Message})
			}
		}
	}
	d.Months = calendarMonths(entries)
	s.render(w, r, http.StatusOK, "schedules", pageData{Title: "Planification des audits — " + v.Applicant.Name, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// doneAudits lists the audits of the last year the view shows.
func doneAudits(v *view, f *care.Facts, today civil.Date) []calendarEntry {
	from := today.AddDays(-calendarPastDays)
	var out []calendarEntry
	entityName := map[org.FINESS]string{}
	for _, e := range f.Entities {
		entityName[e.FINESS] = e.Name
	}
	for _, a := range f.ExposureAudits {
		if a.Date.Before(from) || a.Date.After(today) {
			continue
		}
		var names []string
		for _, e := range a.Entities {
			if !v.Partial() || v.only[e] {
				if n := entityName[e]; n != "" {
					names = append(names, n)
				} else {
					names = append(names, string(e))
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		detail := "source " + a.Source
		switch {
		case !a.CompletePerimeter:
			detail += ", périmètre incomplet"
		case a.Counts != nil && a.Counts.Critical == 1:
			detail += ", 1 vulnérabilité critique"
		case a.Counts != nil && a.Counts.Critical > 1:
			detail += fmt.Sprintf(", %d vulnérabilités critiques", a.Counts.Critical)
		case a.Counts != nil || (a.NoCritical != nil && *a.NoCritical):
			detail += ", aucune vulnérabilité critique"
		}
		out = append(out, calendarEntry{Date: a.Date, Kind: "fait", What: "audit d'exposition de " + strings.Join(names, ", "), Detail: detail})
	}
	dirs := map[string]care.Directory{}
	for _, d := range f.Directories {
		dirs[d.ID] = d
	}
	for _, a := range f.ADAudits {
		if a.Date.Before(from) || a.Date.After(today) || (v.Partial() && !usesVisible(v, dirs[a.Directory])) {
			continue
		}
		out = append(out, calendarEntry{Date: a.Date, Kind: "fait", What: "audit AD de l'annuaire " + cmp.Or(dirs[a.Directory].Name, a.Directory),
			Detail: fmt.Sprintf("source %s, niveau %d", a.Source, a.Level)})
	}
	return out
}

// visibleReminders keeps the reminders of the entities and directories
// the view shows (the planner names them in its messages).
func visibleReminders(v *view, f *care.Facts, rems []schedule.Reminder) []schedule.Reminder {
	if !v.Partial() {
		return rems
	}
	var out []schedule.Reminder
	for _, r := range rems {
		keep := false
		for e := range v.only {
			keep = keep || strings.Contains(r.Message, "("+string(e)+")")
		}
		for _, d := range f.Directories {
			keep = keep || (usesVisible(v, d) && strings.HasPrefix(r.Message, "Annuaire "+d.ID+" :"))
		}
		if keep {
			out = append(out, r)
		}
	}
	return out
}

// frenchMonths names the months.
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// calendarMonths sorts the entries by date and groups them by month.
func calendarMonths(entries []calendarEntry) []calendarMonth {
	slices.SortStableFunc(entries, func(a, b calendarEntry) int { return a.Date.Compare(b.Date) })
	var out []calendarMonth
	for _, e := range entries {
		label := frenchMonths[e.Date.Month-1] + " " + strconv.Itoa(e.Date.Year)
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, calendarMonth{Label: label})
		}
		out[len(out)-1].Entries = append(out[len(out)-1].Entries, e)
	}
	return out
}

// scheduleSubject resolves the subject of a schedule form: an entity or a
// directory of the dossier that the user sees.
func (s *Server) scheduleSubject(ctx context.Context, r *http.Request, v *view, f *care.Facts) (kind, subject, name string, err error) {
	if fin := r.PathValue("finess"); fin != "" {
		for _, e := range visibleEntities(v, f) {
			if string(e.FINESS) == fin {
				return store.ScheduleExposure, fin, e.Name + " (" + fin + ")", nil
			}
		}
		return "", "", "", errOutOfScope
	}
	dir := r.PathValue("dir")
	for _, d := range f.Directories {
		if d.ID == dir && (!v.Partial() || usesVisible(v, d)) {
			return store.ScheduleAD, dir, cmp.Or(d.Name, d.ID), nil
		}
	}
	return "", "", "", errOutOfScope
}

// scheduleForm serves GET and POST of a schedule: every how many days,
// the ports (exposure), active or suspended. An exposure schedule scans
// the entity's approved perimeter as it is at each run.
func (s *Server) scheduleForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v, err := s.loadApplicantView(ctx, rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.cachedFacts(ctx, v.Applicant.ID)
	if err != nil {
		return err
	}
	kind, subject, name, err := s.scheduleSubject(ctx, r, v, f)
	if err != nil {
		return err
	}
	if !rightsOf(rq.p, v).schedules() {
		return errReadOnly
	}
	cur, err := s.st.ScheduleOf(ctx, kind, subject)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	every, ports, active := schedule.DefaultExposureEvery, "default", "oui"
	title := "Planifier l'audit d'exposition de " + name
	intro := "Vigie lance l'audit du périmètre approuvé de l'établissement à ces dates ; avant l'échéance de la vague, il place deux audits à 45–60 jours d'intervalle. Tant que le périmètre n'est pas approuvé, les audits attendent."
	if kind == store.ScheduleAD {
		every = schedule.DefaultADEvery
		title = "Planifier l'audit Active Directory de l'annuaire " + name
		intro = "Vigie lance l'audit avec la connexion enregistrée de l'annuaire, vers un contrôleur déclaré ; sans elle, les audits attendent."
	}
	if err == nil {
		every, ports = cur.EveryDays, cmp.Or(cur.Ports, ports)
		if !cur.Enabled {
			active = "non"
		}
	}
	back := "/dossiers/" + url.PathEscape(v.Applicant.ID) + "/planification"
	fm := &recForm{form: &form{Title: title, Intro: intro, Action: r.URL.Path, Submit: "Enregistrer la planification",
		Fields: []*field{
			{Name: "tous_les", Label: "Un audit tous les … jours", Help: "De 1 à 366 jours.", Kind: "number", Required: true, Value: strconv.Itoa(every)},
			{Name: "active", Label: "Planification active", Help: "Non : aucun audit n'est lancé, la planification est gardée.", Kind: "yesno", Required: true, Value: active},
		}}, Back: back}
	if kind == store.ScheduleExposure {
		fm.Fields = append(fm.Fields[:1], append([]*field{{Name: "ports", Label: "Ports", Help: "« default », « top-1000 » ou une liste comme 22,80,443,8000-8100.",
			Kind: "text", Required: true, Value: ports}}, fm.Fields[1:]...)...)
	}
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	fm.fill(r.PostForm.Get)
	sc := store.Schedule{Kind: kind, Applicant: v.Applicant.ID, Subject: subject}
	if n, err := strconv.Atoi(fm.get("tous_les").Value); err != nil || n < 1 || n > 366 {
		fm.get("tous_les").Err = "nombre de jours attendu, de 1 à 366"
	} else {
		sc.EveryDays = n
	}
	switch a := fm.get("active"); a.Value {
	case "oui", "non":
		sc.Enabled = a.Value == "oui"
	default:
		a.Err = "oui ou non attendu"
	}
	if kind == store.ScheduleExposure {
		sc.Perimeter = jobs.ApprovedRef(org.FINESS(subject))
		p := fm.get("ports")
		if p.Value == "" {
			p.Err = "valeur obligatoire"
		} else if s.jobs == nil {
			p.Err = "liste de ports non vérifiable : aucun moteur de tâches sur ce serveur"
		} else if _, err := s.jobs.ParsePorts(p.Value); err != nil {
			p.Err = err.Error()
		} else {
			sc.Ports = p.Value
		}
	}
	if fm.errCount() > 0 {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	if err := s.st.SaveSchedule(store.WithActor(ctx, rq.p.Login), sc, rq.p.Login); err != nil {
		return err
	}
	http.Redirect(w, r, back+"?enregistre=1", http.StatusSeeOther)
	return nil
}
